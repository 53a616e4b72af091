"""Enrolling one trainee: particulars, the person across the system, every refusal, withdrawal."""

from datetime import date

import pytest
from django.utils import timezone

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.orgs.models import Organization
from peikao.people.models import Person, Violation, WorkHistory
from peikao.people.selectors import applicant_for_person, coal_mine_months
from peikao.training.models import Enrolment
from peikao.training.services.enrolment import (
    enrolment_create,
    enrolment_withdraw,
    person_upsert,
)
from peikao.training.tests.enrolment_factories import (
    DEMO_ENTERPRISE,
    DEMO_TRAINEE_ID,
    NEW_ENTERPRISE_CODE,
    id_number,
    particulars,
    special_operator_class,
    years_ago,
)
from peikao.training.tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    TrainingClassFactory,
    clerk,
)

pytestmark = pytest.mark.django_db


def enrol(training_class, username="huaan_clerk", **values):
    actor = acting_as(username)
    return enrolment_create(actor=actor, class_id=training_class.pk, **values)


def counts():
    return (
        Person.objects.count(),
        Enrolment.objects.count(),
        Organization.objects.count(),
        WorkHistory.objects.count(),
        AuditRecord.objects.count(),
        Person.history.count(),
    )


def test_a_new_person_is_recorded_from_the_id_number_and_enrolled():
    training_class = TrainingClassFactory.create()
    enrolment = enrol(training_class, **particulars(1))
    person = enrolment.person
    assert person.id_number == id_number(1)
    assert (person.sex, person.birth_date) == ("M", date(1988, 6, 15))
    assert person.employer.name == DEMO_ENTERPRISE
    assert enrolment.employer == person.employer
    assert enrolment.enrolled_by.username == "huaan_clerk"
    assert enrolment.status == Enrolment.Status.ENROLLED
    record = AuditRecord.objects.get(action="enrolment.created")
    assert record.detail["class_id"] == training_class.pk
    assert "*" in record.detail["id_number"]
    assert AuditRecord.objects.filter(action="person.recorded").count() == 1
    assert enrolment.history.latest().history_change_reason == "报名"


def test_an_unknown_credit_code_creates_an_enterprise_in_the_institutions_region():
    enrolment = enrol(
        TrainingClassFactory.create(),
        **particulars(
            2, employer_name="临猗县新建机械厂", employer_credit_code=NEW_ENTERPRISE_CODE
        ),
    )
    employer = enrolment.person.employer
    assert (employer.kind, employer.name, employer.credit_code) == (
        "enterprise",
        "临猗县新建机械厂",
        NEW_ENTERPRISE_CODE,
    )
    assert employer.region_id == "140802"  # 华安's region, 盐湖区
    assert employer.history.count() == 1


def test_a_known_person_is_reused_and_the_particulars_given_are_updated():
    person = Person.objects.get(id_number=DEMO_TRAINEE_ID)
    enrolment = enrol(
        TrainingClassFactory.create(),
        **particulars(id_number=DEMO_TRAINEE_ID, name="张三", education=4, phone="", post="班长"),
    )
    assert enrolment.person.pk == person.pk
    person.refresh_from_db()
    assert (person.education, person.post, person.phone) == (4, "班长", "13800000001")
    assert Person.objects.filter(id_number=DEMO_TRAINEE_ID).count() == 1


def test_a_name_that_disagrees_with_the_id_number_is_an_error_not_an_overwrite():
    before = counts()
    with pytest.raises(DomainError, match="与填写的姓名“张叁”不一致") as refused:
        enrol(TrainingClassFactory.create(), **particulars(id_number=DEMO_TRAINEE_ID, name="张叁"))
    # The answer never tells whose the number is.
    assert "张三" not in str(refused.value)
    assert Person.objects.get(id_number=DEMO_TRAINEE_ID).name == "张三"
    assert counts()[:2] == before[:2]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("14082119880615001", "身份证号码应为18位，当前为17位"),
        (id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1"), "校验位错误"),
        ("140821198813150012", "出生日期“19881315”不是有效日期"),
    ],
)
def test_a_bad_id_number_is_refused_with_why_and_writes_nothing(bad, message):
    training_class = TrainingClassFactory.create()
    before = counts()
    with pytest.raises(DomainError, match=message):
        enrol(training_class, **particulars(id_number=bad))
    assert counts() == before


def test_every_missing_particular_is_listed():
    with pytest.raises(DomainError) as refused:
        enrol(
            TrainingClassFactory.create(),
            **particulars(name="", education="", employer_credit_code=""),
        )
    assert refused.value.messages == [
        "请填写姓名。",
        "请填写文化程度。",
        "请填写统一社会信用代码。",
    ]


def test_under_18_is_refused_and_no_orphan_person_stays():
    training_class = TrainingClassFactory.create()
    born = timezone.localdate().replace(year=timezone.localdate().year - 17, month=1, day=1)
    before = counts()
    with pytest.raises(DomainError, match="未满18周岁"):
        enrol(training_class, **particulars(id_number=id_number(7, born=born.strftime("%Y%m%d"))))
    assert counts() == before


def test_primary_education_is_refused_for_a_special_operator():
    with pytest.raises(DomainError, match="文化程度应为初中及以上") as refused:
        enrol(TrainingClassFactory.create(), **particulars(education=1))
    assert "令30号 第四条第三项" in str(refused.value)
    assert not Enrolment.objects.exists()


def test_every_refusal_is_listed_for_a_coal_class():
    training_class = special_operator_class("5.2")
    with pytest.raises(DomainError) as refused:
        enrol(training_class, **particulars(education=2))
    reasons = "\n".join(refused.value.messages)
    assert "高中或者相当于高中" in reasons
    assert "煤矿相关专业中专" in reasons
    assert "须具有煤矿2年及以上工作经历（现为0个月）" in reasons


def test_coal_mine_work_history_counts_up_to_the_enrolment_date():
    training_class = special_operator_class("5.2")
    work = [
        {
            "employer_name": "某煤矿",
            "trade": "爆破工",
            "started_on": years_ago(3),
            "ended_on": None,
            "coal_mine": True,
        }
    ]
    enrolment = enrol(
        training_class,
        **particulars(education=3, education_related_to_coal=True, work_history=work),
    )
    applicant = applicant_for_person(enrolment.person, timezone.localdate())
    assert applicant.coal_mine_work_months == 36
    assert enrolment.person.work_history.count() == 1


def test_coal_months_count_overlapping_periods_once():
    periods = [
        (date(2020, 1, 1), date(2021, 12, 31)),
        (date(2021, 1, 1), date(2022, 6, 30)),
        (date(2025, 1, 1), None),
        (date(2030, 1, 1), None),
    ]
    assert coal_mine_months(periods, date(2025, 3, 15)) == 30 + 2


def test_a_full_class_is_refused():
    training_class = TrainingClassFactory.create(capacity=1)
    EnrolmentFactory.create(training_class=training_class)
    with pytest.raises(Conflict, match=r"本班已满（额定1人，已报名1人）"):
        enrol(training_class, **particulars(3))
    assert not Person.objects.filter(id_number=id_number(3)).exists()


def test_a_second_identical_enrolment_is_refused_and_changes_nothing():
    training_class = TrainingClassFactory.create()
    enrol(training_class, **particulars(4))
    before = counts()
    with pytest.raises(Conflict, match="该学员已在本班报名。"):
        enrol(training_class, **particulars(4))
    assert counts() == before


FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_the_same_id_number_in_fullwidth_digits_is_the_same_person():
    training_class = TrainingClassFactory.create()
    enrol(training_class, **particulars(4))
    before = counts()
    written_otherwise = particulars(4)
    written_otherwise["id_number"] = written_otherwise["id_number"].translate(FULLWIDTH)
    with pytest.raises(Conflict, match="该学员已在本班报名。"):
        enrol(training_class, **written_otherwise)
    assert counts() == before


def test_an_archived_class_is_frozen():
    training_class = TrainingClassFactory.create(status="archived")
    with pytest.raises(Conflict, match="已归档，档案已冻结"):
        enrol(training_class, **particulars(5))


def test_a_finished_or_suspended_class_takes_no_enrolments():
    for status, name in (("finished", "已结业"), ("suspended", "已叫停")):
        with pytest.raises(Conflict, match=f"当前为“{name}”状态，不接受报名"):
            enrol(TrainingClassFactory.create(status=status), **particulars(5))


def test_another_institutions_class_is_not_found():
    fengxi = Organization.objects.get(kind="institution", name="丰喜集团安全技术培训中心")
    training_class = TrainingClassFactory.create(
        plan_line__plan__organization=fengxi, plan_line__plan__created_by=clerk()
    )
    with pytest.raises(NotFound, match="未找到该培训班"):
        enrol(training_class, **particulars(6))


@pytest.mark.parametrize(
    "username", ["huaan_teacher", "demo_trainee", "yc_officer", "yanhu_officer", "demo_enterprise"]
)
def test_only_the_institutions_admin_or_clerk_may_enrol(username):
    with pytest.raises(PermissionDenied, match="只有培训机构的管理员或教务员"):
        enrol(TrainingClassFactory.create(), username=username, **particulars(6))


def test_the_institution_admin_may_enrol():
    assert enrol(TrainingClassFactory.create(), username="huaan_admin", **particulars(6)).pk


def open_violation(person):
    return Violation.objects.create(
        person=person,
        kind=Violation.Kind.OPERATING,
        occurred_on=date(2026, 1, 5),
        description="未按规定佩戴绝缘手套",
        confirmed_by="王主任",
        recorded_by_organization=Organization.objects.get(name=DEMO_ENTERPRISE),
        recorded_by=clerk(),
    )


def test_an_open_violation_is_refused_except_in_a_special_retraining_class():
    person = PersonFactory.create()
    open_violation(person)
    given = particulars(id_number=person.id_number, name=person.name)
    with pytest.raises(DomainError, match="三违"):
        enrol(TrainingClassFactory.create(), **given)
    enrolment = enrol(TrainingClassFactory.create(special_retraining=True), **given)
    assert enrolment.person == person


def test_person_upsert_records_work_history_once_and_corrects_it():
    actor = acting_as("huaan_clerk")
    period = {"employer_name": "某煤矿", "trade": "电工", "started_on": "2015-03-01"}
    person = person_upsert(actor=actor, **particulars(8, work_history=[period]))
    corrected = {**period, "ended_on": "2019-02-28", "coal_mine": True}
    person_upsert(actor=actor, **particulars(8, work_history=[corrected]))
    row = person.work_history.get()
    assert (row.ended_on, row.coal_mine) == (date(2019, 2, 28), True)
    assert AuditRecord.objects.filter(action="person.recorded").count() == 2


def test_bad_work_history_is_named_by_its_row():
    work = [
        {"employer_name": "甲厂", "trade": "", "started_on": "2020-13-01"},
        {"employer_name": "乙厂", "trade": "焊工", "started_on": "2020-01-01", "ended_on": "2019"},
    ]
    with pytest.raises(DomainError) as refused:
        enrol(TrainingClassFactory.create(), **particulars(9, work_history=work))
    assert refused.value.messages == [
        "请填写工种（第1条）。",
        "日期“2020-13-01”无法识别，请按 2020-01-31 的格式填写。",
        "日期“2019”无法识别，请按 2020-01-31 的格式填写。",
    ]


def test_withdrawal_needs_a_reason_and_is_audited():
    enrolment = enrol(TrainingClassFactory.create(), **particulars(10))
    actor = acting_as("huaan_clerk")
    with pytest.raises(DomainError, match="请填写退出原因"):
        enrolment_withdraw(actor=actor, enrolment_id=enrolment.pk, reason=" ")
    with pytest.raises(DomainError, match="退出原因不能超过100个字（现为101个）"):
        enrolment_withdraw(actor=actor, enrolment_id=enrolment.pk, reason="长" * 101)
    enrolment_withdraw(actor=actor, enrolment_id=enrolment.pk, reason="工作调动")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.history.latest().history_change_reason == "工作调动"
    assert AuditRecord.objects.get(action="enrolment.withdrawn").detail["reason"] == "工作调动"
    with pytest.raises(Conflict, match="该学员已经是“已退出”状态"):
        enrolment_withdraw(actor=actor, enrolment_id=enrolment.pk, reason="再次")


def test_a_withdrawn_trainee_enrolling_again_takes_up_the_same_enrolment():
    training_class = TrainingClassFactory.create()
    enrolment = enrol(training_class, **particulars(11))
    actor = acting_as("huaan_clerk")
    enrolment_withdraw(actor=actor, enrolment_id=enrolment.pk, reason="病假")
    again = enrol(training_class, **particulars(11))
    assert again.pk == enrolment.pk and again.status == Enrolment.Status.ENROLLED
    records = AuditRecord.objects.filter(action="enrolment.created").order_by("id")
    assert [r.detail["reinstated"] for r in records] == [False, True]


def test_others_may_not_withdraw():
    enrolment = enrol(TrainingClassFactory.create(), **particulars(12))
    actor = acting_as("yc_officer")
    with pytest.raises(PermissionDenied):
        enrolment_withdraw(actor=actor, enrolment_id=enrolment.pk, reason="x")
