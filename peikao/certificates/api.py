"""The certificates API: the clerks' lists, issue and acts (/api/certificates/), and the public
verification with the signed lists (/api/public/certificates/), rate-limited as the pages are."""

from datetime import date
from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peikao.accounts.actor import Actor
from peikao.certificates import keys, rules, selectors
from peikao.certificates.services import issuing, lifecycle
from peikao.certificates.services.status import status_list_current
from peikao.certificates.throttle import bulk_rows_allowed, lookup_allowed
from peikao.core.api_errors import RefusalOut
from peikao.core.api_types import Id, Text
from peikao.core.identifiers import normalise_identifier
from peikao.core.pagination import KeysetPagination

router = Router(tags=["证书"])
public_router = Router(tags=["证书核验（公开）"])

Reason = Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")]
Number = Annotated[str, Field(max_length=30, pattern=r"^[^\x00]*$")]
Name = Annotated[str, Field(max_length=50, pattern=r"^[^\x00]*$")]


class CertificateOut(Schema):
    id: int
    kind: str
    number: str
    holder: str
    item: str | None
    industry: str | None
    first_issued_on: date
    valid_from: date
    valid_until: date
    review_due_on: date | None
    reviewed_on: date | None
    review_interval_years: int
    issuing_authority: str
    status: str
    status_name: str
    remark: str

    @staticmethod
    def resolve_holder(obj):
        return obj.holder.name

    @staticmethod
    def resolve_item(obj):
        return obj.item_id

    @staticmethod
    def resolve_industry(obj):
        return obj.industry_id

    @staticmethod
    def resolve_status_name(obj):
        return rules.STATUS_NAMES[obj.status]


class CertificateEventOut(Schema):
    kind: str
    label: str
    on: date
    note: str


class CertificateDetailOut(CertificateOut):
    events: list[CertificateEventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class IssueIn(Schema):
    result_ids: list[Id] = Field(..., min_length=1, max_length=issuing.BATCH_LIMIT)


class IssueBatchOut(Schema):
    id: int
    status: str
    total: int
    done: int

    @staticmethod
    def resolve_done(obj):
        return selectors.batch_progress(obj).done


class CertificateReasonIn(Schema):
    reason: Reason


class ReviewPassIn(Schema):
    long_interval: bool = False


class RevokeIn(Schema):
    reason: Annotated[str, Field(json_schema_extra={"enum": sorted(rules.REVOCATION_REASONS)})]
    note: Reason = ""


class CancelIn(Schema):
    reason: Annotated[str, Field(json_schema_extra={"enum": sorted(rules.CANCELLATION_REASONS)})]
    note: Reason = ""


class ReissueIn(Schema):
    reason: Annotated[str, Field(json_schema_extra={"enum": sorted(rules.REISSUE_REASONS)})]


class ChangeIn(Schema):
    unit_name: Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]
    reason: Reason


@router.get("", response=list[CertificateOut], summary="证书（管辖范围内）")
@paginate(KeysetPagination)
def certificate_list(request, status: Text = "", kind: Text = "", q: Text = ""):
    return selectors.certificate_list(request.actor, status=status, kind=kind, query=q)


@router.post("/issue", response={201: IssueBatchOut}, summary="发证（考试中心，按批）")
def certificates_issue(request, payload: IssueIn):
    return Status(
        201, issuing.certificates_issue(actor=request.actor, result_ids=payload.result_ids)
    )


@router.get("/batches/{batch_id}", response=IssueBatchOut, summary="发证批次进度")
def batch_detail(request, batch_id: Id):
    return selectors.batch_detail(request.actor, batch_id)


@router.get("/{certificate_id}", response=CertificateDetailOut, summary="证书详情与记录")
def certificate_detail(request, certificate_id: Id):
    return selectors.certificate_detail(request.actor, certificate_id)


# Each act's payload and summary; the service is lifecycle.ACTS[name].
ACT_ROUTES: dict[str, tuple[type[Schema], str]] = {
    "review_pass": (ReviewPassIn, "复审通过或延期换证"),
    "review_refuse": (CertificateReasonIn, "复审不通过"),
    "suspend": (CertificateReasonIn, "暂扣"),
    "reinstate": (CertificateReasonIn, "发还"),
    "revoke": (RevokeIn, "撤销"),
    "cancel": (CancelIn, "注销"),
    "reissue": (ReissueIn, "补发"),
    "change": (ChangeIn, "变更单位"),
}


def _act_route(name: str, payload_schema: type[Schema], summary: str) -> None:
    act = lifecycle.ACTS[name]

    # ninja reads the payload's schema from the annotation, one per act.
    def certificate_act(request, certificate_id: Id, payload: payload_schema):  # type: ignore[valid-type]
        body: Schema = payload
        act(actor=request.actor, certificate_id=certificate_id, **body.dict())
        return selectors.certificate_detail(request.actor, certificate_id)

    router.post(
        f"/{{certificate_id}}/{name.replace('_', '-')}",
        response=CertificateDetailOut,
        summary=summary,
        operation_id=f"certificate_{name}",
    )(certificate_act)


for _name, (_schema, _summary) in ACT_ROUTES.items():
    _act_route(_name, _schema, _summary)


# --------------------------------------------------------------------------- public


class PublicCertificateOut(Schema):
    kind: str
    number: str
    holder: str
    category: str
    subject: str
    first_issued: date
    valid_from: date
    valid_until: date
    review_due: date | None
    reviewed_on: date | None
    issuing_authority: str
    status: str
    status_name: str


class LookupOut(Schema):
    found: bool
    certificates: list[PublicCertificateOut]


class StatementIn(Schema):
    text: Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]


class VerificationOut(Schema):
    valid_signature: bool
    problem: str
    number: str | None
    kind: str
    holder: str
    id_number: str
    key_id: str
    algorithm: str
    key_status: str
    issuer_region: str
    certificate: PublicCertificateOut | None
    notes: list[str]


class BulkPairIn(Schema):
    number: Number
    name: Name


class BulkIn(Schema):
    items: list[BulkPairIn] = Field(..., min_length=1, max_length=2000)


class BulkRowOut(Schema):
    number: str
    name: str
    found: bool
    certificates: list[PublicCertificateOut]


@public_router.get(
    "/certificates/verify",
    response={200: LookupOut, 429: RefusalOut},
    summary="按证书编号和姓名查询证书状态（姓名不符与不存在的回答相同）",
)
def verify(request, number: Number, name: Name):
    lookup_allowed(request)
    found = selectors.public_lookup(number, name)
    return {"found": bool(found), "certificates": found}


@public_router.post(
    "/certificates/verify-qr",
    response={200: VerificationOut, 429: RefusalOut},
    summary="核验证书二维码的签名，并返回证书当前状态",
)
def verify_qr(request, payload: StatementIn):
    lookup_allowed(request)
    verification = selectors.verify_statement(payload.text)
    claims = verification.claims
    return {
        "valid_signature": verification.valid_signature,
        "problem": verification.problem,
        "number": claims.number if claims else None,
        "kind": verification.kind_name,
        "holder": verification.masked_name,
        "id_number": verification.masked_id_number,
        "key_id": verification.kid,
        "algorithm": verification.algorithm,
        "key_status": verification.key_status,
        "issuer_region": verification.region_name,
        "certificate": verification.certificate,
        "notes": verification.notes,
    }


@public_router.post(
    "/certificates/verify-bulk",
    response={200: list[BulkRowOut], 429: RefusalOut},
    summary="批量核验：一次最多 2000 个（编号、姓名）",
)
def verify_bulk(request, payload: BulkIn):
    lookup_allowed(request)
    bulk_rows_allowed(request, len(payload.items))
    found = selectors.public_lookups((item.number, item.name) for item in payload.items)
    rows = []
    for item in payload.items:
        key = (normalise_identifier(item.number), item.name.strip())
        certificates = found.get(key, [])
        rows.append(
            {
                "number": item.number,
                "name": item.name,
                "found": bool(certificates),
                "certificates": certificates,
            }
        )
    return rows


@public_router.get("/certificates/trust-list", response=dict[str, str], summary="信任列表（签名）")
def trust_list(request):
    return keys.trust_list()


@public_router.get(
    "/certificates/status-list", response=dict[str, str], summary="证书状态列表（签名）"
)
def status_list(request):
    return status_list_current(actor=Actor.system("status_list_request")).envelope
