"""Which documents an applicant must show, beyond the annex-1 checklist, because an eligibility
rule asks for a fact that only a document proves (pure policy).

Sources: 运城市通知 附件1, its notes on coal-mine special operators (煤矿相关专业中专及以上学历,
煤矿2年及以上工作经历, 防突作业3年), hazardous-chemical operators (重大危险源、重点监管危险化工工艺:
高中及以上或化工类中等职业教育; 爆炸危险性化学品: 化工类大专及以上) and the principals and
managers of hazardous-chemical key units (化学、化工、安全等相关专业大专及以上学历或化工类中级及以上
职称); 令30号 第四条 for the education of special operators in general, which the checklist's
学历证书复印件 already covers.
"""

from dataclasses import dataclass

from peikao.people.rules import (
    COAL_WORK_MONTHS,
    DEFAULT_COAL_WORK_MONTHS,
    SEED_ANNEX_1,
    Target,
)

SPECIAL_OPERATOR = "special_operator"
# The annex-1 item that the platform's own 学时证明 satisfies once it is issued.
HOURS_CERTIFICATE_ITEM = "安全培训学时证明"
COAL_CATEGORY = "5"
HAZARDOUS_CHEMICAL_CATEGORY = "9"


@dataclass(frozen=True)
class RuleDocument:
    code: str  # stored in EnrolmentDocument.rule_document
    name: str
    source: str


COAL_EDUCATION = RuleDocument(
    "coal_education", "煤矿相关专业中专（含技校、职高）及以上学历证书", SEED_ANNEX_1
)
CHEMICAL_COLLEGE_EDUCATION = RuleDocument(
    "chemical_college_education", "化工类大专及以上学历证书", SEED_ANNEX_1
)
SENIOR_HIGH_OR_CHEMICAL_EDUCATION = RuleDocument(
    "senior_high_or_chemical_education",
    "高中及以上学历证书或化工类中等及以上职业教育证书",
    SEED_ANNEX_1,
)
CHEMICAL_MANAGER_QUALIFICATION = RuleDocument(
    "chemical_manager_qualification",
    "化学、化工、安全等相关专业大专及以上学历证书或化工类中级及以上职称证书",
    SEED_ANNEX_1,
)
COAL_WORK_CODE = "coal_work"


def coal_work_document(item_code: str) -> RuleDocument:
    years = COAL_WORK_MONTHS.get(item_code, DEFAULT_COAL_WORK_MONTHS) // 12
    return RuleDocument(COAL_WORK_CODE, f"煤矿{years}年及以上工作经历证明", SEED_ANNEX_1)


def rule_documents(target: Target, *, new_hire: bool | None = None) -> list[RuleDocument]:
    """The documents the eligibility rules ask of this applicant, in the order they apply.

    The annex-1 hazardous-chemical rules bind new hires only, so an incumbent (new_hire False)
    shows no proof for them; when it is not known whether the applicant is a new hire the proof
    is asked, since the rule may bind. The coal-mine rules bind everyone."""
    category = target.item_code.split(".")[0] if target.item_code else ""
    if target.post != SPECIAL_OPERATOR:
        binds = target.hazardous_chemical_key_unit and new_hire is not False
        return [CHEMICAL_MANAGER_QUALIFICATION] if binds else []
    if category == COAL_CATEGORY:
        return [COAL_EDUCATION, coal_work_document(target.item_code)]
    if new_hire is False:
        return []
    if category == HAZARDOUS_CHEMICAL_CATEGORY:
        if target.explosive_chemicals:
            return [CHEMICAL_COLLEGE_EDUCATION]
        if target.major_hazard_or_key_process:
            return [SENIOR_HIGH_OR_CHEMICAL_EDUCATION]
    return []


# Names of every code, for documents uploaded under a rule (the coal-work years vary by item).
RULE_DOCUMENT_NAMES = {
    document.code: document.name
    for document in (
        COAL_EDUCATION,
        CHEMICAL_COLLEGE_EDUCATION,
        SENIOR_HIGH_OR_CHEMICAL_EDUCATION,
        CHEMICAL_MANAGER_QUALIFICATION,
    )
} | {COAL_WORK_CODE: "煤矿工作经历证明"}
