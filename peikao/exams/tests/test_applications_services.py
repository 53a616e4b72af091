"""Applying for an exam and the exam center's review: every check, every refusal with its
Chinese reason, and that a refusal writes nothing (no application, no seat, no audit)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peikao.accounts.models import Membership, Role, User
from peikao.accounts.testing import acting_as
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.exams.models import ApplicantNotice, ExamApplication, ExamSession, FraudCase
from peikao.exams.services import applications as services
from peikao.exams.tests.application_factories import (
    finished_class,
    ready_enrolment,
    xinzhou_exam_center_user,
)
from peikao.exams.tests.factories import ExamApplicationFactory, ExamSessionFactory
from peikao.orgs.models import Organization
from peikao.people.models import Person, Violation
from peikao.training.document_rules import HOURS_CERTIFICATE_ITEM
from peikao.training.models import EnrolmentDocument
from peikao.training.selectors.enrolment import checklist
from peikao.training.services.documents import document_upload
from peikao.training.tests.factories import PlanLineFactory, TrainingClassFactory, clerk, huaan

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def clerk_actor():
    return acting_as("huaan_clerk")


def center():
    return acting_as("yc_exam_center")


def snapshot(session: ExamSession) -> tuple:
    session.refresh_from_db()
    return (
        ExamApplication.objects.count(),
        session.seats_taken,
        AuditRecord.objects.filter(action=Action.EXAM_APPLICATION_SUBMITTED).count(),
    )


def refused(session, call, error=DomainError) -> list[str]:
    """The reasons of the refusal, having checked that nothing was written."""
    before = snapshot(session)
    with pytest.raises(error) as raised:
        call()
    assert snapshot(session) == before
    return raised.value.messages


def submit(session, enrolment, actor=None):
    return services.application_submit(
        actor=actor or clerk_actor(), session_id=session.pk, enrolment_id=enrolment.pk
    )


# --------------------------------------------------------------------------- applying


def test_a_clerk_applies_for_a_trainee_of_its_class():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    application = submit(session, enrolment)
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert application.status == ExamApplication.Status.SUBMITTED
    assert application.person == enrolment.person
    assert application.institution == huaan()
    assert application.employer == enrolment.employer
    assert application.item_id == "1.2"
    assert application.applied_by == clerk()
    record = AuditRecord.objects.get(action=Action.EXAM_APPLICATION_SUBMITTED)
    assert enrolment.person.id_number not in str(record.detail)


def test_a_trainee_applies_for_themself():
    person = Person.objects.get(name="张三")
    enrolment = ready_enrolment(person=person)
    session = ExamSessionFactory.create()
    application = submit(session, enrolment, actor=acting_as("demo_trainee"))
    assert application.applied_by.username == "demo_trainee"


def test_the_deadline_is_a_moment(time_machine):
    session = ExamSessionFactory.create()
    deadline = session.registration_deadline
    assert deadline.astimezone(SHANGHAI).hour == 12
    time_machine.move_to(deadline - timedelta(seconds=1), tick=False)
    submit(session, ready_enrolment())
    time_machine.move_to(deadline + timedelta(seconds=1), tick=False)
    reasons = refused(session, lambda: submit(session, ready_enrolment()), Conflict)
    assert reasons == [f"该场考试已于{deadline.astimezone(SHANGHAI):%Y年%m月%d日} 12:00截止报名。"]
    time_machine.move_to(deadline, tick=False)
    assert refused(session, lambda: submit(session, ready_enrolment()), Conflict) == reasons


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": "cancelled"}, "该场考试处于“已取消”状态，不接受报名。"),
        ({"status": "seated"}, "该场考试处于“已排考”状态，不接受报名。"),
        ({"post_category": None}, "该场考试尚未排定考试类别，暂不接受报名。"),
        ({"registration_deadline": None}, "该场考试未公布报名截止时间，暂不接受报名。"),
    ],
)
def test_a_session_not_open_refuses(changes, reason):
    session = ExamSessionFactory.create()
    ExamSession.objects.filter(pk=session.pk).update(**changes)
    enrolment = ready_enrolment()
    assert refused(session, lambda: submit(session, enrolment), Conflict) == [reason]


def test_a_training_of_another_item_does_not_fit():
    session = ExamSessionFactory.create(items=["1.1"])
    enrolment = ready_enrolment()
    reasons = refused(session, lambda: submit(session, enrolment))
    assert reasons == ["该场考试不考核“低压电工作业”项目。"] or "项目" in reasons[0]


def test_a_refresher_training_does_not_go_to_an_initial_exam():
    session = ExamSessionFactory.create()
    line = PlanLineFactory.create(
        planned_start=NOW.date() - timedelta(days=20), training_type="refresher"
    )
    enrolment = ready_enrolment(TrainingClassFactory.create(plan_line=line, status="finished"))
    reasons = refused(session, lambda: submit(session, enrolment))
    assert "该场考试为初次考核，与培训类型不符。" in reasons


def test_the_hours_certificate_is_needed():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment(certificate=False)
    assert refused(session, lambda: submit(session, enrolment)) == [
        "培训学时未完成，尚未取得学时证明，不能报名考试。"
    ]


def test_every_document_is_needed_and_uploading_it_is_enough():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    document = EnrolmentDocument.objects.filter(enrolment=enrolment).first()
    name = next(i.name for i in checklist(enrolment) if document in i.documents)
    requirement_id, rule_document = document.requirement_id, document.rule_document
    document.delete()
    reasons = refused(session, lambda: submit(session, enrolment))
    assert reasons == [f"报名材料不全，缺少：{name}。"]
    EnrolmentDocument.objects.create(
        enrolment=enrolment,
        requirement_id=requirement_id,
        rule_document=rule_document,
        file="documents/again.pdf",
        original_name="again.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=clerk(),
    )
    assert submit(session, enrolment).pk


def test_the_hours_certificate_item_is_not_asked_as_a_document():
    enrolment = ready_enrolment()
    assert HOURS_CERTIFICATE_ITEM not in services.candidate_refusals(
        ExamSessionFactory.create(), enrolment
    )


def test_an_open_violation_bars_the_exam_unless_it_is_the_special_retraining():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    Violation.objects.create(
        person=enrolment.person,
        kind=Violation.Kind.OPERATING,
        occurred_on="2026-11-02",
        description="未按规定佩戴安全帽",
        confirmed_by="王科长",
        recorded_by_organization=huaan(),
        recorded_by=clerk(),
    )
    reasons = refused(session, lambda: submit(session, enrolment))
    assert len(reasons) == 1 and reasons[0].startswith("不符合报考条件：")
    retraining = ready_enrolment(finished_class(special_retraining=True), person=enrolment.person)
    assert submit(session, retraining).pk


def test_a_person_without_education_cannot_be_judged():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    type(enrolment).objects.filter(pk=enrolment.pk).update(education=None)
    reasons = refused(session, lambda: submit(session, enrolment))
    assert reasons == [f"{enrolment.person.name}未登记文化程度，无法审核报考条件。"]


def test_every_reason_is_given_at_once():
    session = ExamSessionFactory.create(items=["1.1"])
    enrolment = ready_enrolment(certificate=False, documents=False)
    reasons = refused(session, lambda: submit(session, enrolment))
    assert len(reasons) == 3, reasons


def test_a_second_active_application_is_refused_but_a_withdrawn_one_does_not_count():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    first = submit(session, enrolment)
    assert refused(session, lambda: submit(session, enrolment), Conflict) == ["已报名该场考试。"]
    services.application_withdraw(actor=clerk_actor(), application_id=first.pk)
    assert submit(session, enrolment).pk != first.pk


def test_no_seat_left():
    session = ExamSessionFactory.create(seat_capacity=2, seats_taken=2)
    enrolment = ready_enrolment()
    assert refused(session, lambda: submit(session, enrolment), Conflict) == ["座位已满。"]


def test_who_may_apply():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    # The enterprise and the regulator see the enrolment but may not apply.
    for username in ("demo_enterprise", "yc_officer", "yc_exam_center", "huaan_teacher"):
        actor = acting_as(username)
        if username == "demo_enterprise":
            type(enrolment).objects.filter(pk=enrolment.pk).update(employer=actor.organization)
        reasons = refused(session, lambda a=actor: submit(session, enrolment, a), PermissionDenied)
        assert reasons == [services.NOT_AN_APPLICANT]
    # Another trainee, another institution and a Xinzhou regulator do not see it at all.
    other = Organization.objects.institutions().get(name="山西聚腾人力资源有限公司")
    user = User.objects.create_user("jurui_clerk", password="x")
    Membership.objects.create(user=user, organization=other, role=Role.INSTITUTION_CLERK)
    for username in ("demo_trainee", "jurui_clerk", "xz_officer"):
        reasons = refused(
            session, lambda u=username: submit(session, enrolment, acting_as(u)), NotFound
        )
        assert reasons == [services.ENROLMENT_NOT_FOUND]


def test_a_missing_session_or_enrolment_is_not_found():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    with pytest.raises(NotFound):
        services.application_submit(
            actor=clerk_actor(), session_id=987654321, enrolment_id=enrolment.pk
        )
    with pytest.raises(NotFound):
        services.application_submit(actor=clerk_actor(), session_id=session.pk, enrolment_id=0)


# --------------------------------------------------------------------------- the batch


def test_a_batch_sends_those_who_can_go_and_says_why_the_others_cannot():
    session = ExamSessionFactory.create(seat_capacity=3)
    training_class = finished_class()
    ready = [ready_enrolment(training_class) for _ in range(3)]
    no_hours = ready_enrolment(training_class, certificate=False)
    result = services.applications_submit_batch(
        actor=clerk_actor(),
        session_id=session.pk,
        enrolment_ids=[ready[0].pk, no_hours.pk, ready[1].pk, ready[1].pk, 987654321, ready[2].pk],
    )
    assert [a.enrolment_id for a in result.accepted] == [e.pk for e in ready]
    assert [(r.enrolment_id, r.name) for r in result.refused] == [
        (no_hours.pk, no_hours.person.name),
        (987654321, ""),
    ]
    assert result.refused[0].reasons == ["培训学时未完成，尚未取得学时证明，不能报名考试。"]
    session.refresh_from_db()
    assert session.seats_taken == 3
    late = ready_enrolment(training_class)
    again = services.applications_submit_batch(
        actor=clerk_actor(), session_id=session.pk, enrolment_ids=[late.pk]
    )
    assert again.refused[0].reasons == ["座位已满。"]


def test_a_batch_refuses_as_a_whole_what_concerns_all():
    session = ExamSessionFactory.create()
    enrolment = ready_enrolment()
    with pytest.raises(PermissionDenied):
        services.applications_submit_batch(
            actor=acting_as("demo_trainee"), session_id=session.pk, enrolment_ids=[enrolment.pk]
        )
    with pytest.raises(DomainError, match="请选择要报名考试的学员"):
        services.applications_submit_batch(
            actor=clerk_actor(), session_id=session.pk, enrolment_ids=[]
        )
    ExamSession.objects.filter(pk=session.pk).update(status="cancelled")
    with pytest.raises(Conflict, match="已取消"):
        services.applications_submit_batch(
            actor=clerk_actor(), session_id=session.pk, enrolment_ids=[enrolment.pk]
        )
    assert ExamApplication.objects.count() == 0


# --------------------------------------------------------------------------- review


@pytest.fixture
def applied():
    session = ExamSessionFactory.create()
    return submit(session, ready_enrolment())


def state(application) -> tuple:
    application.refresh_from_db()
    application.session.refresh_from_db()
    return (
        application.status,
        application.session.seats_taken,
        ApplicantNotice.objects.filter(application=application).count(),
        FraudCase.objects.count(),
        AuditRecord.objects.count(),
    )


def test_the_exam_center_approves_and_the_applicant_is_told(applied):
    services.application_approve(actor=center(), application_id=applied.pk)
    applied.refresh_from_db()
    assert applied.status == "approved"
    assert applied.reviewed_by.username == "yc_exam_center"
    assert "审核通过" in ApplicantNotice.objects.get(application=applied).text


def test_a_return_needs_its_reason_and_keeps_the_seat(applied):
    before = state(applied)
    with pytest.raises(Conflict) as refusal:
        services.application_return(actor=center(), application_id=applied.pk, reason="  ")
    assert refusal.value.messages == ["退回修改须填写原因。"]
    assert state(applied) == before
    services.application_return(
        actor=center(), application_id=applied.pk, reason="身份证复印件不清晰"
    )
    applied.refresh_from_db()
    assert applied.status == "returned" and applied.status_reason == "身份证复印件不清晰"
    assert applied.session.seats_taken == 1
    notice = ApplicantNotice.objects.get(application=applied)
    assert "身份证复印件不清晰" in notice.text


def test_a_returned_application_is_resubmitted_once_corrected(applied):
    services.application_return(actor=center(), application_id=applied.pk, reason="缺照片")
    EnrolmentDocument.objects.filter(enrolment=applied.enrolment).first().delete()
    with pytest.raises(Conflict, match="报名材料不全"):
        services.application_resubmit(actor=clerk_actor(), application_id=applied.pk)
    applied.refresh_from_db()
    assert applied.status == "returned"
    item = next(i for i in checklist(applied.enrolment) if not i.present)
    document_upload(
        actor=clerk_actor(),
        enrolment_id=applied.enrolment_id,
        requirement_id=item.requirement_id,
        rule_document=item.rule_document,
        uploaded_file=SimpleUploadedFile("补充.png", PNG, content_type="image/png"),
    )
    services.application_resubmit(actor=clerk_actor(), application_id=applied.pk)
    applied.refresh_from_db()
    assert applied.status == "submitted"


def test_fraud_bars_the_person_from_the_session_and_frees_the_seat(applied):
    before = state(applied)
    with pytest.raises(Conflict, match="认定资料造假须填写原因"):
        services.application_reject_as_fraud(actor=center(), application_id=applied.pk, reason="")
    assert state(applied) == before
    services.application_reject_as_fraud(
        actor=center(), application_id=applied.pk, reason="学历证书系伪造"
    )
    applied.refresh_from_db()
    assert applied.status == "rejected"
    assert applied.session.seats_taken == 0
    case = FraudCase.objects.get(application=applied)
    assert case.reason == "学历证书系伪造"
    assert "取消本次考核资格" in ApplicantNotice.objects.get(application=applied).text
    # Barred from this session, with another enrolment too.
    other = ready_enrolment(person=applied.person)
    reasons = refused(applied.session, lambda: submit(applied.session, other))
    assert reasons == ["该考生的本场考试报名已被认定资料造假，取消本次考核资格。"]
    # But not from another session.
    assert submit(ExamSessionFactory.create(), other).pk


def test_withdrawing_frees_the_seat_and_a_final_state_refuses_everything(applied):
    services.application_withdraw(actor=clerk_actor(), application_id=applied.pk)
    applied.refresh_from_db()
    assert applied.status == "withdrawn" and applied.session.seats_taken == 0
    before = state(applied)
    for call in (
        lambda: services.application_withdraw(actor=clerk_actor(), application_id=applied.pk),
        lambda: services.application_approve(actor=center(), application_id=applied.pk),
        lambda: services.application_reject_as_fraud(
            actor=center(), application_id=applied.pk, reason="x"
        ),
    ):
        with pytest.raises(Conflict, match="已撤回"):
            call()
        assert state(applied) == before


def test_an_approved_application_is_not_reviewed_again(applied):
    services.application_approve(actor=center(), application_id=applied.pk)
    before = state(applied)
    with pytest.raises(Conflict):
        services.application_return(actor=center(), application_id=applied.pk, reason="再看看")
    assert state(applied) == before


def test_only_the_exam_center_of_the_city_reviews(applied):
    before = state(applied)
    for username in ("yc_officer", "huaan_clerk", "huaan_point_clerk"):
        with pytest.raises(PermissionDenied) as refusal:
            services.application_approve(actor=acting_as(username), application_id=applied.pk)
        assert refusal.value.messages == [services.NOT_THE_REVIEWER]
    xinzhou = acting_as(xinzhou_exam_center_user().username)
    for call in (
        services.application_approve,
        lambda **kw: services.application_return(**kw, reason="x"),
        lambda **kw: services.application_reject_as_fraud(**kw, reason="x"),
    ):
        with pytest.raises(NotFound):
            call(actor=xinzhou, application_id=applied.pk)
    assert state(applied) == before


def test_only_the_applicant_resubmits_or_withdraws(applied):
    services.application_return(actor=center(), application_id=applied.pk, reason="缺照片")
    before = state(applied)
    for username in ("yc_exam_center", "demo_enterprise", "huaan_teacher"):
        actor = acting_as(username)
        for call in (services.application_resubmit, services.application_withdraw):
            with pytest.raises((PermissionDenied, NotFound)):
                call(actor=actor, application_id=applied.pk)
    with pytest.raises(NotFound):
        services.application_withdraw(actor=acting_as("demo_trainee"), application_id=applied.pk)
    assert state(applied) == before


def test_the_factory_application_is_reviewable():
    application = ExamApplicationFactory.create()
    services.application_approve(actor=center(), application_id=application.pk)
    application.refresh_from_db()
    assert application.status == "approved"


def test_the_applicant_is_told_in_the_inbox_and_by_sms_through_the_notification_centre(
    django_capture_on_commit_callbacks,
):
    from peikao.accounts.testing import acting_as
    from peikao.exams.services.applications import application_return
    from peikao.exams.tests.application_factories import trainee_user
    from peikao.exams.tests.factories import ExamApplicationFactory
    from peikao.notifications.models import Delivery, Notification

    application = ExamApplicationFactory.create()
    application.person.phone = "13800007777"
    application.person.save(update_fields=["phone"])
    user = trainee_user(application.person, "told_applicant")
    with django_capture_on_commit_callbacks(execute=True):
        application_return(
            actor=acting_as("yc_exam_center"),
            application_id=application.pk,
            reason="身份证复印件不清晰",
        )
    message = Notification.objects.get(recipient=user)
    assert "退回修改：身份证复印件不清晰" in message.text and message.link == "/exams/mine/"
    assert application.notices.count() == 1
    assert Delivery.objects.filter(channel="sms", person=application.person).count() == 1
