"""Results: decided from theory (and practical, where the session has one), the retake once
without training, and the 三违 retraining closed by a passed exam."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict
from peikao.exams.models import Attempt, ExamResult
from peikao.exams.rules import results as rules
from peikao.exams.services import practical as practical_services
from peikao.exams.services import results as services
from peikao.exams.tests.practical_factories import (
    EXAMINER,
    approved_application,
    full_marks,
    practical_session,
    scored_attempt,
)
from peikao.people.models import Violation
from peikao.training.tests.factories import EnrolmentFactory, TrainingClassFactory, clerk, huaan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]
ENGINE = Actor.system("attempt-engine")


def theory(application, score):
    return services.result_record_theory(actor=ENGINE, attempt=scored_attempt(application, score))


def practical(application, *, vetoes=None):
    examiner = acting_as(EXAMINER)
    assessment = practical_services.practical_draw(actor=examiner, application_id=application.pk)
    for code, points in full_marks(assessment).items():
        practical_services.practical_score_enter(
            actor=examiner,
            assessment_id=assessment.pk,
            subject_code=code,
            step_points=points,
            vetoes_failed=(vetoes or {}).get(code, []),
        )
    practical_services.practical_sign(actor=examiner, assessment_id=assessment.pk)
    return ExamResult.objects.get(application=application)


@pytest.mark.parametrize(("score", "outcome"), [("79.9", "failed"), ("80", "passed")])
def test_without_a_practical_exam_theory_alone_decides(score, outcome):
    application = approved_application(practical_session(practical=False))
    result = theory(application, score)
    assert (result.status, result.theory_score) == (outcome, Decimal(score))
    assert result.decided_at is not None
    assert (result.theory_passed_at is not None) == (outcome == "passed")
    assert AuditRecord.objects.filter(action=f"exam_result.{outcome}").count() == 1


def test_with_a_practical_exam_a_passed_theory_waits_for_the_practical():
    application = approved_application()
    result = theory(application, "92")
    assert result.status == "pending" and result.theory_passed_at is not None
    result = practical(application)
    assert (result.status, result.practical_score) == ("passed", 100)


def test_a_failed_theory_fails_at_once_and_the_practical_is_refused():
    application = approved_application()
    assert theory(application, "60").status == "failed"
    with pytest.raises(Conflict, match="须先通过理论考试"):
        practical_services.practical_draw(actor=acting_as(EXAMINER), application_id=application.pk)


def test_a_veto_fails_the_result_whatever_the_total():
    application = approved_application()
    theory(application, "100")
    assert practical(application, vetoes={"K4": [0]}).status == "failed"


def test_an_attempt_not_scored_is_not_recorded():
    application = approved_application()
    attempt = scored_attempt(application, "90")
    Attempt.objects.filter(pk=attempt.pk).update(status="submitted")
    attempt.refresh_from_db()
    with pytest.raises(Conflict, match="理论考试尚未评分"):
        services.result_record_theory(actor=ENGINE, attempt=attempt)
    assert not ExamResult.objects.exists()


def test_recording_the_same_theory_twice_decides_once():
    application = approved_application(practical_session(practical=False))
    attempt = scored_attempt(application, "85")
    services.result_record_theory(actor=ENGINE, attempt=attempt)
    services.result_record_theory(actor=ENGINE, attempt=attempt)
    assert AuditRecord.objects.filter(action="exam_result.passed").count() == 1


# --------------------------------------------------------------------------- retakes


def test_the_rule_allows_one_retake_then_training_again():
    assert not rules.retake_allowed(0, retakes_allowed=1)
    assert rules.retake_allowed(1, retakes_allowed=1)
    assert not rules.retake_allowed(2, retakes_allowed=1)
    assert not rules.retake_allowed(1, retakes_allowed=0)
    assert "免费补考一次" in rules.result_advice("failed", failures=1, retakes_allowed=1)
    assert "须重新参加培训" in rules.result_advice("failed", failures=2, retakes_allowed=1)


def test_a_failed_first_sitting_may_be_retaken_once_on_a_later_session(time_machine):
    first = approved_application(practical_session(practical=False))
    person = first.person
    theory(first, "70")
    later = practical_session(practical=False)
    assert services.retake_of_for(person, first.item, session=later) == first
    assert services.retake_of_for(person, first.item, session=first.session) is None
    retake = approved_application(later, person=person, retake_of=first, fee_waived=True)
    theory(retake, "75")
    # The retake failed too: training again, and the result says so.
    assert services.retake_of_for(person, first.item) is None
    assert services.failures_of(retake) == 2


def test_a_pass_needs_no_retake_and_a_passed_retake_ends_the_chain():
    first = approved_application(practical_session(practical=False))
    theory(first, "70")
    retake = approved_application(
        practical_session(practical=False), person=first.person, retake_of=first
    )
    theory(retake, "88")
    assert services.retake_of_for(first.person, first.item) is None


def test_a_practical_absence_counts_as_a_failed_sitting():
    first = approved_application()
    theory(first, "90")
    assessment = practical_services.practical_draw(
        actor=acting_as(EXAMINER), application_id=first.pk
    )
    practical_services.practical_absent(actor=acting_as(EXAMINER), assessment_id=assessment.pk)
    assert ExamResult.objects.get(application=first).status == "absent"
    assert services.retake_of_for(first.person, first.item) == first


# --------------------------------------------------------------------------- 三违


def open_violation(person) -> Violation:
    return Violation.objects.create(
        person=person,
        kind=Violation.Kind.OPERATING,
        occurred_on=datetime(2026, 10, 2).date(),
        description="未验电即作业",
        confirmed_by="王科长",
        recorded_by_organization=huaan(),
        recorded_by=clerk(),
    )


def retraining_enrolment(person, *, hours):
    special = TrainingClassFactory.create(special_retraining=True, required_hours=Decimal(8))
    return EnrolmentFactory.create(training_class=special, person=person, hours=Decimal(hours))


def test_a_passed_exam_closes_the_open_violation_of_a_retrained_person():
    application = approved_application(practical_session(practical=False))
    violation = open_violation(application.person)
    enrolment = retraining_enrolment(application.person, hours=8)
    theory(application, "90")
    violation.refresh_from_db()
    assert violation.status == "closed" and violation.closing_enrolment == enrolment
    assert AuditRecord.objects.filter(action="violation.closed").count() == 1


def test_a_failed_exam_or_missing_hours_leave_the_violation_open():
    failed = approved_application(practical_session(practical=False))
    violation = open_violation(failed.person)
    retraining_enrolment(failed.person, hours=8)
    theory(failed, "50")
    short = approved_application(practical_session(practical=False))
    other = open_violation(short.person)
    retraining_enrolment(short.person, hours=4)
    theory(short, "95")
    for row in (violation, other):
        row.refresh_from_db()
        assert row.status == "open"


def test_the_retake_advice_is_shown_after_a_day(time_machine):
    time_machine.move_to(datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai")) + timedelta(0))
    application = approved_application(practical_session(practical=False))
    theory(application, "10")
    from peikao.exams.selectors.results import result_list, with_advice

    (row,) = with_advice(list(result_list(acting_as("yc_exam_center"))))
    assert "免费补考一次" in row.advice


# --------------------------------------------------------------------------- pass rates


def decided(status, *, institution, point, item="1.2", city="140800", day=(2026, 11, 20)):
    from peikao.exams.tests.factories import ExamApplicationFactory, ExamSessionFactory

    session = ExamSessionFactory.create(exam_point=point, city_id=city)
    application = ExamApplicationFactory.create(
        session=session, institution=institution, item_id=item
    )
    return ExamResult.objects.create(
        application=application,
        person=application.person,
        status=status,
        decided_at=datetime(*day, 15, tzinfo=ZoneInfo("Asia/Shanghai")),
    )


def test_pass_rates_by_institution_item_and_exam_point_on_a_known_data_set():
    from peikao.exams.selectors.results import pass_rates
    from peikao.orgs.models import Organization

    points = {o.name: o for o in Organization.objects.exam_points()}
    schools = {o.name: o for o in Organization.objects.institutions()}
    huaan_point, yongji_point = (
        points["运城市华安应急安全服务有限公司"],
        points["永济市新世纪安全培训有限公司"],
    )
    huaan_school, fengxi = (
        schools["运城市华安应急安全服务有限公司"],
        schools["丰喜集团安全技术培训中心"],
    )
    for status in ["passed", "passed", "passed", "failed", "absent"]:
        decided(status, institution=huaan_school, point=huaan_point)
    decided("passed", institution=fengxi, point=yongji_point, item="1.1")
    decided("failed", institution=fengxi, point=yongji_point)
    # Left out: a result still pending, one decided before the period, one of another city.
    decided("pending", institution=fengxi, point=yongji_point)
    decided("passed", institution=fengxi, point=yongji_point, day=(2026, 10, 31))
    decided(
        "passed", institution=fengxi, point=points["忻州泽亨安全职业技术培训学校"], city="140900"
    )
    rates = pass_rates(
        acting_as("yc_exam_center"),
        start=datetime(2026, 11, 1).date(),
        end=datetime(2026, 11, 30).date(),
    )
    table = {k: [(r.name, r.sat, r.passed, r.absent, r.rate) for r in v] for k, v in rates.items()}
    assert table["institution"] == [
        ("丰喜集团安全技术培训中心", 2, 1, 0, Decimal("50.0")),
        ("运城市华安应急安全服务有限公司", 4, 3, 1, Decimal("75.0")),
    ]
    assert table["item"] == [
        ("低压电工作业", 5, 3, 1, Decimal("60.0")),
        ("高压电工作业", 1, 1, 0, Decimal("100.0")),
    ]
    assert table["exam_point"] == [
        ("永济市新世纪安全培训有限公司", 2, 1, 0, Decimal("50.0")),
        ("运城市华安应急安全服务有限公司", 4, 3, 1, Decimal("75.0")),
    ]
    # The regulator of the province sees the Xinzhou result too; an institution sees no rates.
    everything = pass_rates(acting_as("province_admin"), start=datetime(2026, 11, 1).date())
    assert sum(r.sat for r in everything["exam_point"]) == 7
    from peikao.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied, match="只有应急管理部门和考试中心"):
        pass_rates(acting_as("huaan_admin"))


def test_results_reach_the_candidate_the_institution_and_the_enterprise_only():
    from peikao.exams.selectors.results import result_list
    from peikao.orgs.models import Organization
    from peikao.people.models import Person

    trainee = Person.objects.get(name="张三")
    enterprise = Organization.objects.get(kind="enterprise", name="运城市示范化工有限公司")
    own = approved_application(practical_session(practical=False), person=trainee)
    theory(own, "90")
    staff = approved_application(practical_session(practical=False), employer=enterprise)
    theory(staff, "90")
    fengxi = Organization.objects.institutions().get(name="丰喜集团安全技术培训中心")
    elsewhere = approved_application(practical_session(practical=False), institution=fengxi)
    theory(elsewhere, "90")

    def seen(username):
        return {r.application_id for r in result_list(acting_as(username))}

    assert seen("demo_trainee") == {own.pk}
    assert own.pk in seen("demo_enterprise") and staff.pk in seen("demo_enterprise")
    assert elsewhere.pk not in seen("demo_enterprise")
    assert seen("huaan_admin") == {own.pk, staff.pk}
    assert elsewhere.pk not in seen("huaan_admin")
    assert seen("yc_exam_center") == {own.pk, staff.pk, elsewhere.pk}
    assert seen("xz_officer") == set()
