"""The platform's one notification centre: in-site messages, and the SMS and emails that go
with them.

Other apps call `notify()` from their services, inside their own transaction: the messages are
written with their act, and the SMS and emails are sent by a Huey task after it commits (a
rolled-back act sends nothing). Who may be told what is the caller's decision; `notify` checks
only the message itself.
"""

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.core.errors import DomainError
from peikao.core.masking import mask_phone, mask_text
from peikao.core.scoping import get_visible
from peikao.notifications import channels, rules, tasks
from peikao.notifications.models import Delivery, Notification
from peikao.orgs.models import Organization
from peikao.people.models import Person

logger = logging.getLogger(__name__)

SUBJECT_MAX = Notification._meta.get_field("subject").max_length
LINK_MAX = Notification._meta.get_field("link").max_length
KIND_MAX = Notification._meta.get_field("kind").max_length
DEDUPE_KEY_MAX = Notification._meta.get_field("dedupe_key").max_length


def _checked(subject: str, text: str, link: str, kind: str, dedupe_key: str) -> list[str]:
    refusals = []
    if not subject.strip():
        refusals.append("请填写消息标题。")
    elif len(subject) > (SUBJECT_MAX or 0):
        refusals.append(f"消息标题不能超过 {SUBJECT_MAX} 个字符。")
    if not text.strip():
        refusals.append("请填写消息内容。")
    if len(link) > (LINK_MAX or 0):
        refusals.append(f"消息链接不能超过 {LINK_MAX} 个字符。")
    refusals.append(rules.link_refusal(link))
    if len(kind) > (KIND_MAX or 0):
        refusals.append(f"消息类别不能超过 {KIND_MAX} 个字符。")
    if len(dedupe_key) > (DEDUPE_KEY_MAX or 0):
        refusals.append(f"去重键不能超过 {DEDUPE_KEY_MAX} 个字符。")
    return [refusal for refusal in refusals if refusal]


def _recipients(
    persons: Iterable[Person], organizations: Iterable[Organization], users: Iterable[User]
) -> tuple[list[User], list[Person]]:
    """The active accounts to write to (each once), and the persons to text (each phone once).

    A person is reached through the account that is that person, if any, and by SMS at the
    phone on record; an organisation through the accounts holding an active role in it.
    """
    person_ids = {person.pk for person in persons}
    organization_ids = {organization.pk for organization in organizations}
    user_ids = {user.pk for user in users}
    reached = models.Q(pk__in=user_ids) | models.Q(person_id__in=person_ids)
    if organization_ids:
        in_organization = User.objects.filter(
            memberships__organization_id__in=organization_ids, memberships__active=True
        ).values("pk")
        reached |= models.Q(pk__in=in_organization)
    accounts = list(User.objects.filter(reached, is_active=True).order_by("pk"))
    texted, phones = [], set()
    for person in Person.objects.filter(pk__in=person_ids).exclude(phone="").order_by("pk"):
        if person.phone not in phones:
            phones.add(person.phone)
            texted.append(person)
    return accounts, texted


def _insert_once(row: models.Model) -> bool:
    """Saves a new row unless its dedupe key is taken. The unique constraint decides, not a
    read before the write: of two senders at once, one inserts and the other (waiting on the
    index until the first commits) gets the IntegrityError, rolled back to its savepoint."""
    if not getattr(row, "dedupe_key", ""):
        row.save(force_insert=True)
        return True
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _send_after_commit(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        tasks.delivery_send_after_commit(delivery_id)


@transaction.atomic
def notify(
    *,
    actor: Actor,
    subject: str,
    text: str,
    persons: Iterable[Person] = (),
    organizations: Iterable[Organization] = (),
    users: Iterable[User] = (),
    link: str = "",
    kind: str = "",
    dedupe_key: str = "",
) -> int:
    """Tells the persons, the organisations' staff and the users: one in-site message per
    account, an SMS per person with a phone, an email per account with an address. With a
    `dedupe_key`, what was already sent under that key to the same account or person is not
    sent again. Returns how many in-site messages were written."""
    subject, text, link, kind = subject.strip(), text.strip(), link.strip(), kind.strip()
    dedupe_key = dedupe_key.strip()
    refusals = _checked(subject, text, link, kind, dedupe_key)
    if refusals:
        raise DomainError(*refusals)
    accounts, texted = _recipients(persons, organizations, users)
    message = {"subject": subject, "text": text, "link": link, "kind": kind}
    created = 0
    of_person: dict[int, Notification] = {}  # the message an SMS goes with
    deliveries: list[Delivery] = []
    for account in accounts:
        notification = Notification(recipient=account, dedupe_key=dedupe_key, **message)
        if not _insert_once(notification):
            continue  # already told under this key: no email either
        created += 1
        if account.person_id is not None:
            of_person[account.person_id] = notification
        if account.email:
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=Delivery.Channel.EMAIL,
                    user=account,
                    address=rules.mask_email(account.email),
                    dedupe_key=dedupe_key,
                    **message,
                )
            )
    for person in texted:
        deliveries.append(
            Delivery(
                notification=of_person.get(person.pk),
                channel=Delivery.Channel.SMS,
                person=person,
                address=mask_phone(person.phone),
                dedupe_key=dedupe_key,
                **message,
            )
        )
    queued = [delivery.pk for delivery in deliveries if _insert_once(delivery)]
    if created or queued:
        audit_record(
            Action.NOTIFICATION_SENT,
            actor=actor,
            object_repr=subject,
            detail={
                "subject": subject,
                "kind": kind,
                "dedupe_key": dedupe_key,
                "notifications": created,
                "deliveries": len(queued),
            },
        )
    if queued:
        transaction.on_commit(partial(_send_after_commit, queued))
    return created


# Reading ---------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(actor: Actor, notification_id: int) -> Notification:
    """Marks one of one's own messages read; another's is as missing as one that is not."""
    notification = get_visible(Notification.objects.all(), actor, notification_id, for_update=True)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(Action.NOTIFICATION_READ, actor=actor, target=notification)
    return notification


@transaction.atomic
def notifications_mark_all_read(actor: Actor) -> int:
    """Marks every unread message of one's own read; returns how many."""
    marked = Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())
    if marked:
        audit_record(Action.NOTIFICATIONS_READ_ALL, actor=actor, detail={"notifications": marked})
    return marked


# Sending ---------------------------------------------------------------------------------------


def _send(delivery: Delivery) -> None:
    """Sends through the delivery's channel to the address on record now."""
    if delivery.channel == Delivery.Channel.SMS:
        phone = delivery.person.phone if delivery.person else ""
        if not phone:
            raise channels.ChannelFailure("该人员没有登记手机号码。", permanent=True)
        channels.sms_backend().send(phone, rules.sms_text(delivery.subject, delivery.text))
        return
    email = delivery.user.email if delivery.user else ""
    if not email:
        raise channels.ChannelFailure("该用户没有登记电子邮箱。", permanent=True)
    body = rules.email_body(delivery.text, delivery.link, settings.PEIKAO_SITE_URL)
    channels.send_email(email, delivery.subject, body)


def delivery_attempt(*, actor: Actor, delivery_id: int) -> Delivery | None:
    """One attempt at a queued delivery. No transaction is held while the channel is asked
    (a slow gateway must not hold the database); the outcome is then recorded on the row,
    locked: 已发送, or 发送失败 after the last of PEIKAO_NOTIFY_MAX_ATTEMPTS, or still 待发送
    with the error and the attempt counted, for the task to try again."""
    delivery = Delivery.objects.select_related("person", "user").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != rules.QUEUED:
        return delivery  # gone with its person or user, or settled
    failure, permanent = "", False
    try:
        _send(delivery)
    except channels.ChannelFailure as refused:
        failure, permanent = str(refused), refused.permanent
    except Exception as error:
        # The trace is for the operators' log; the delivery says what kind of error it was.
        logger.exception("Delivery %s could not be sent.", delivery_id)
        failure = f"发送时出错：{type(error).__name__}"
    return _attempt_recorded(actor, delivery_id, failure, permanent=permanent)


@transaction.atomic
def _attempt_recorded(actor: Actor, delivery_id: int, failure: str, *, permanent: bool):
    locked = Delivery.objects.select_for_update().get(pk=delivery_id)
    if locked.status != rules.QUEUED:  # a concurrent run settled it first
        return locked
    attempts = locked.attempts + 1
    detail = {"channel": locked.channel, "address": locked.address, "attempts": attempts}
    if not failure:
        transition_apply(
            locked,
            rules.DELIVERY,
            "send",
            actor=actor,
            changes={"attempts": attempts, "sent_at": timezone.now(), "last_error": ""},
            detail=detail,
        )
    elif permanent or attempts >= settings.PEIKAO_NOTIFY_MAX_ATTEMPTS:
        transition_apply(
            locked,
            rules.DELIVERY,
            "fail",
            actor=actor,
            # A gateway's answer may quote the number it refused.
            reason=mask_text(failure),
            changes={"attempts": attempts, "last_error": mask_text(failure)},
            detail=detail,
        )
    else:
        locked.attempts, locked.last_error = attempts, mask_text(failure)
        locked.save(update_fields=["attempts", "last_error"])
    return locked
