"""Exam applications (考试报名) and their review by the exam center.

A trainee applies for themself, or their institution's clerk for them, alone or in a batch.
Every check is made before anything is written; the seat is then taken by one conditional
UPDATE of the session row, so that seats are never overbooked however many apply at once, and
the partial unique constraint (one active application per person and session) has the last
word on a double application. A seat is released in the same transaction as the withdrawal or
rejection that frees it.

Lock order, the same in every service here, so that none waits on another in a circle: the
application row, then the session row (the seat), then the audit stream's head.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_check
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.history import with_change_reason
from peikao.core.masking import mask_id_number
from peikao.core.scoping import LARGEST_ID, get_visible
from peikao.exams.models import (
    ExamApplication,
    ExamResult,
    ExamSession,
    FraudCase,
)
from peikao.exams.rules import eligibility_for_exam as rules
from peikao.exams.rules.applications import ACTIVE, APPLICATION
from peikao.exams.rules.results import DECIDED
from peikao.exams.services.notices import applicants_notify
from peikao.exams.services.results import retake_of_for, retraining_required
from peikao.people import rules as people_rules
from peikao.people.selectors import (
    applicant_from,
    fraud_revocation_dates,
    open_violation_counts,
    recorded_of,
)
from peikao.training.models import Enrolment, HoursCertificate
from peikao.training.selectors.enrolment import enrolment_target, missing_documents

BATCH_LIMIT = 200
NOT_AN_APPLICANT = "只有学员本人或其培训机构的管理员、教务员可以办理考试报名。"
ENROLMENT_NOT_FOUND = "未找到该培训报名记录，或不在您的管辖范围内。"
NOT_THE_REVIEWER = "只有考试所在市的考试中心可以审核考试报名。"


# --------------------------------------------------------------------------- facts for the rules


def session_facts(session: ExamSession) -> rules.SessionFacts:
    return rules.SessionFacts(
        status=session.status,
        status_label=session.get_status_display(),
        scheduled=session.post_category_id is not None,
        registration_deadline=(
            timezone.localtime(session.registration_deadline)
            if session.registration_deadline
            else None
        ),
        post_category=session.post_category_id or "",
        post_category_label=str(session.post_category or ""),
        industry=session.industry_id or "",
        industry_label=str(session.industry or ""),
        item_codes=frozenset(session.items.values_list("code", flat=True)),
        exam_type=session.exam_type,
    )


def training_facts(enrolment: Enrolment) -> rules.TrainingFacts:
    training_class = enrolment.training_class
    return rules.TrainingFacts(
        post_category=training_class.post_category_id,
        post_category_label=str(training_class.post_category),
        item_code=training_class.item_id or "",
        item_label=str(training_class.item or ""),
        industry=training_class.industry_id or "",
        industry_label=str(training_class.industry or ""),
        training_type=training_class.training_type,
    )


def eligibility_refusals(enrolment: Enrolment) -> list[str]:
    """The people app's rules, on the particulars this enrolment recorded and the person's
    barring revocations, today. A 三违 special-retraining class exists to close the open
    violations, so they do not bar its exam (as they do not bar its enrolment:
    training.services.enrolment)."""
    person = enrolment.person
    today = timezone.localdate()
    open_violations = (
        0
        if enrolment.training_class.special_retraining
        else open_violation_counts([person.pk]).get(person.pk, 0)
    )
    try:
        applicant = applicant_from(
            person,
            particulars=recorded_of(enrolment),
            coal_mine_periods=person.work_history.filter(coal_mine=True).values_list(
                "started_on", "ended_on"
            ),
            open_violations=open_violations,
            fraud_revocation_date=fraud_revocation_dates([person.pk]).get(person.pk),
            on_date=today,
            new_hire=enrolment.new_hire,
        )
    except DomainError as undecided:
        return undecided.messages
    decision = people_rules.check_eligibility(applicant, enrolment_target(enrolment), today)
    refusals = []
    for refusal in decision.refusals:
        if refusal.kind == people_rules.REFUSED:
            refusals.append(f"不符合报考条件：{refusal.reason}（{refusal.source}）")
        else:
            refusals.append(f"报考条件无法审核：{refusal.reason}")
    return refusals


def candidate_refusals(session: ExamSession, enrolment: Enrolment) -> list[str]:
    """Every reason the enrolment's trainee may not apply for the session, in the order a
    clerk fixes them: the subject, the hours, the documents, the person, a fraud bar, another
    sitting."""
    refusals = rules.subject_refusals(session_facts(session), training_facts(enrolment))
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        refusals.append("该学员已退出培训班，不能报名考试。")
    if not HoursCertificate.objects.filter(enrolment=enrolment).exists():
        refusals.append("培训学时未完成，尚未取得学时证明，不能报名考试。")
    missing = missing_documents(enrolment)
    if missing:
        refusals.append(f"报名材料不全，缺少：{'、'.join(missing)}。")
    refusals += eligibility_refusals(enrolment)
    if FraudCase.objects.filter(
        application__session=session, application__person=enrolment.person
    ).exists():
        refusals.append("该考生的本场考试报名已被认定资料造假，取消本次考核资格。")
    another = _another_sitting_refusal(session, enrolment)
    if another:
        refusals.append(another)
    return refusals


def _another_sitting_refusal(session: ExamSession, enrolment: Enrolment) -> str:
    """This training passed, or the person's application for the same item (the same
    training when the exam has no item) waiting in another session."""
    active = ExamApplication.objects.filter(status__in=ACTIVE).exclude(session=session)
    item_id = enrolment.training_class.item_id
    same_exam = (
        active.filter(person_id=enrolment.person_id, item_id=item_id)
        if item_id
        else active.filter(enrolment=enrolment)
    )
    dates = "session__exam_date"
    passed = active.filter(enrolment=enrolment, result__status=ExamResult.Status.PASSED)
    undecided = same_exam.exclude(result__status__in=DECIDED).order_by(dates)
    return rules.another_sitting_refusal(
        passed_on=passed.order_by(f"-{dates}").values_list(dates, flat=True).first(),
        undecided_on=undecided.values_list(dates, flat=True).first(),
    )


# --------------------------------------------------------------------------- fetching


def _session(session_id: int) -> ExamSession:
    """The public timetable's session: anyone may apply for one, so anyone may name it."""
    if (
        isinstance(session_id, bool)
        or not isinstance(session_id, int)
        or not 0 < session_id <= LARGEST_ID
    ):
        raise NotFound("未找到该场考试。")
    session = (
        ExamSession.objects.select_related("post_category", "industry", "exam_point")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFound("未找到该场考试。")
    return session


def _enrolment(actor: Actor, enrolment_id: int) -> Enrolment:
    enrolments = Enrolment.objects.select_related(
        "person",
        "employer",
        "training_class__organization",
        "training_class__post_category",
        "training_class__item",
        "training_class__industry",
    )
    try:
        enrolment = get_visible(enrolments, actor, enrolment_id)
    except NotFound:
        raise NotFound(ENROLMENT_NOT_FOUND) from None
    may_apply = (actor.is_trainee and actor.person_id == enrolment.person_id) or (
        actor.is_institution_writer and actor.is_own(enrolment.training_class.organization_id)
    )
    if not may_apply:
        raise PermissionDenied(NOT_AN_APPLICANT)
    return enrolment


def _locked_application(actor: Actor, application_id: int) -> ExamApplication:
    applications = ExamApplication.objects.select_related("session", "person")
    return get_visible(applications, actor, application_id, for_update=True)


def may_act_as_applicant(actor: Actor, application: ExamApplication) -> bool:
    """Resubmit or withdraw: the candidate themself, or the clerk of the institution that sent
    the application."""
    return (actor.is_trainee and actor.person_id == application.person_id) or (
        actor.is_institution_writer and actor.is_own(application.institution_id)
    )


def may_review(actor: Actor, application: ExamApplication) -> bool:
    return actor.is_exam_center and application.session.city_id in actor.region_codes


def _require_applicant(actor: Actor, application: ExamApplication) -> None:
    if not may_act_as_applicant(actor, application):
        raise PermissionDenied(NOT_AN_APPLICANT)


def _require_reviewer(actor: Actor, application: ExamApplication) -> None:
    if not may_review(actor, application):
        raise PermissionDenied(NOT_THE_REVIEWER)


# --------------------------------------------------------------------------- seats


def _take_seat(session: ExamSession, now) -> None:
    """One conditional UPDATE: a seat is taken only while one is free, the session open and its
    deadline not reached; the row stays locked until the transaction ends."""
    taken = ExamSession.objects.filter(
        pk=session.pk,
        status=ExamSession.Status.OPEN,
        registration_deadline__gt=now,
        seats_taken__lt=F("seat_capacity"),
    ).update(seats_taken=F("seats_taken") + 1)
    if taken == 0:
        session.refresh_from_db()
        raise Conflict(rules.session_refusal(session_facts(session), now) or rules.SEATS_GONE)


def seat_release(session_id: int, count: int = 1) -> None:
    """Gives back the seats of applications that leave the active states: for the services
    that withdraw, reject or cancel them, in their transaction."""
    ExamSession.objects.filter(pk=session_id, seats_taken__gte=count).update(
        seats_taken=F("seats_taken") - count
    )


# --------------------------------------------------------------------------- applying


@transaction.atomic
def application_submit(*, actor: Actor, session_id: int, enrolment_id: int) -> ExamApplication:
    """Applies for the session with the enrolment's completed training. Refused, with every
    reason, when the session is closed or past its deadline, when the training does not fit
    it, when the hours certificate or a document is missing, when the person is not eligible
    or barred for fraud, when they have applied already (for this session, or with this
    training for another not yet decided or passed), or when no seat is left."""
    enrolment = _enrolment(actor, enrolment_id)
    session = _session(session_id)
    now = timezone.now()
    closed = rules.session_refusal(session_facts(session), now)
    if closed:
        raise Conflict(closed)
    refusals = candidate_refusals(session, enrolment)
    if refusals:
        raise DomainError(*refusals)
    person = enrolment.person
    if ExamApplication.objects.filter(session=session, person=person, status__in=ACTIVE).exists():
        raise Conflict(rules.ALREADY_APPLIED)
    item = enrolment.training_class.item
    if item is not None and retraining_required(
        person, item, trained_until=enrolment.training_class.ends_on
    ):
        raise Conflict(rules.RETRAINING_REQUIRED)
    retake_of = retake_of_for(person, item, session=session) if item is not None else None
    _take_seat(session, now)
    application = ExamApplication(
        session=session,
        person=person,
        enrolment=enrolment,
        item=item,
        institution=enrolment.training_class.organization,
        employer=enrolment.employer,
        applied_by=actor.account,
        # A retake without retraining is free (the fee rules read it).
        retake_of=retake_of,
        fee_waived=retake_of is not None,
    )
    with_change_reason(application, "报名")
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Another request of the same person came first: the unique constraint decides.
        raise Conflict(rules.ALREADY_APPLIED) from None
    audit_record(
        Action.EXAM_APPLICATION_SUBMITTED,
        actor=actor,
        target=application,
        detail={
            "session_id": session.pk,
            "enrolment_id": enrolment.pk,
            "id_number": mask_id_number(person.id_number),
        },
    )
    return application


@dataclass
class BatchRefusal:
    enrolment_id: int
    name: str
    reasons: list[str]


@dataclass
class BatchResult:
    accepted: list[ExamApplication] = field(default_factory=list)
    refused: list[BatchRefusal] = field(default_factory=list)


def applications_submit_batch(
    *, actor: Actor, session_id: int, enrolment_ids: list[int]
) -> BatchResult:
    """An institution applies for many trainees at once. Not all or nothing: each application
    is judged on its own, in its own transaction (a savepoint when called inside one), so that
    those who can go, go, and the answer says why each of the others cannot. A refusal that
    concerns the whole batch (not an institution clerk, a session that does not exist or is
    closed) is raised before any is tried."""
    if not actor.is_institution_writer:
        raise PermissionDenied("只有培训机构的管理员、教务员可以批量报名考试。")
    ids = list(dict.fromkeys(enrolment_ids))
    if not ids:
        raise DomainError("请选择要报名考试的学员。")
    if len(ids) > BATCH_LIMIT:
        raise DomainError(f"一次最多报名{BATCH_LIMIT}人。")
    session = _session(session_id)
    closed = rules.session_refusal(session_facts(session), timezone.now())
    if closed:
        raise Conflict(closed)
    names = dict(
        Enrolment.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", "person__name")
    )
    result = BatchResult()
    for enrolment_id in ids:
        try:
            result.accepted.append(
                application_submit(actor=actor, session_id=session_id, enrolment_id=enrolment_id)
            )
        except DomainError as refused:
            result.refused.append(
                BatchRefusal(enrolment_id, names.get(enrolment_id, ""), refused.messages)
            )
    return result


# --------------------------------------------------------------------------- review


def _session_name(application: ExamApplication) -> str:
    session = application.session
    return f"{session.exam_date:%Y年%m月%d日}{session.exam_point}考试"


@transaction.atomic
def application_approve(*, actor: Actor, application_id: int) -> ExamApplication:
    application = _locked_application(actor, application_id)
    _require_reviewer(actor, application)
    transition_apply(
        application,
        APPLICATION,
        "approve",
        actor=actor,
        changes={"reviewed_by": actor.account, "reviewed_at": timezone.now(), "status_reason": ""},
    )
    applicants_notify(
        actor=actor,
        applications=[application],
        text=f"您报名的{_session_name(application)}已审核通过，请留意准考证。",
    )
    return application


@transaction.atomic
def application_return(*, actor: Actor, application_id: int, reason: str) -> ExamApplication:
    """Back to the applicant to correct, with what to correct; the seat stays theirs."""
    application = _locked_application(actor, application_id)
    _require_reviewer(actor, application)
    reason = (reason or "").strip()
    transition_apply(
        application,
        APPLICATION,
        "return",
        actor=actor,
        guard=lambda: rules.reason_refusal(reason, "退回修改"),
        reason=reason,
        changes={
            "reviewed_by": actor.account,
            "reviewed_at": timezone.now(),
            "status_reason": reason[:500],
        },
    )
    applicants_notify(
        actor=actor,
        applications=[application],
        text=f"您报名的{_session_name(application)}被退回修改：{reason}",
    )
    return application


@transaction.atomic
def application_reject_as_fraud(
    *, actor: Actor, application_id: int, reason: str
) -> ExamApplication:
    """资料造假一律取消本次考核资格 (运城市通知 附件1): the application is rejected, its seat
    released, the person barred from the session, and the case recorded for the regulator."""
    application = _locked_application(actor, application_id)
    _require_reviewer(actor, application)
    reason = (reason or "").strip()

    def guard() -> str:
        return rules.reason_refusal(reason, "认定资料造假")

    transition_check(application, APPLICATION, "reject", guard=guard)
    seat_release(application.session_id)
    transition_apply(
        application,
        APPLICATION,
        "reject",
        actor=actor,
        guard=guard,
        reason=reason,
        changes={
            "reviewed_by": actor.account,
            "reviewed_at": timezone.now(),
            "status_reason": reason[:500],
        },
    )
    FraudCase.objects.create(
        application=application, reason=reason[:500], recorded_by=actor.account
    )
    applicants_notify(
        actor=actor,
        applications=[application],
        text=f"您报名的{_session_name(application)}经审核认定资料造假，取消本次考核资格：{reason}",
    )
    return application


@transaction.atomic
def application_resubmit(*, actor: Actor, application_id: int) -> ExamApplication:
    """The applicant sends a returned application back once corrected (a missing document
    uploaded on the enrolment, say). The hours and documents are checked again. The deadline
    is not: the application was made in time and keeps its seat while returned; only a
    session no longer open refuses it."""
    application = _locked_application(actor, application_id)
    _require_applicant(actor, application)
    enrolment = application.enrolment

    def corrected() -> list[str]:
        if application.session.status != ExamSession.Status.OPEN:
            return [f"该场考试处于“{application.session.get_status_display()}”状态，不能重新提交。"]
        return candidate_refusals(application.session, enrolment) if enrolment else []

    transition_apply(application, APPLICATION, "resubmit", actor=actor, guard=corrected)
    return application


@transaction.atomic
def application_withdraw(*, actor: Actor, application_id: int) -> ExamApplication:
    """The applicant withdraws; the seat is freed for another."""
    application = _locked_application(actor, application_id)
    _require_applicant(actor, application)
    transition_check(application, APPLICATION, "withdraw")
    seat_release(application.session_id)
    transition_apply(application, APPLICATION, "withdraw", actor=actor)
    return application
