"""Page input of the computer exam (registering a seat computer, the proctor's acts), checked
by Django forms before any service reads it."""

from django import forms

from peikao.core.forms import NamedErrorsForm, column_text
from peikao.core.scoping import LARGEST_ID
from peikao.exams.models import Attempt
from peikao.exams.rules.attempts import LARGEST_EXTENSION_SECONDS
from peikao.monitoring.models import Device


def _id_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=LARGEST_ID)


class SeatSetupForm(NamedErrorsForm):
    picked = ("room_id",)

    room_id = _id_field("考场")
    seat_number = forms.IntegerField(label="座位号", min_value=1, max_value=999)
    name = column_text(Device, "name", label="考试机名称")
    serial_number = column_text(Device, "serial_number", label="序列号")


class NoInputForm(NamedErrorsForm):
    """An act that takes nothing but the room (全部放行)."""


class AttemptForm(NamedErrorsForm):
    picked: tuple[str, ...] = ("attempt_id",)

    attempt_id = _id_field("考生")


class AbsentForm(NamedErrorsForm):
    picked = ("application_id",)

    application_id = _id_field("考生")


class AttemptReasonForm(AttemptForm):
    reason = column_text(Attempt, "status_reason", label="原因")


class AddTimeForm(AttemptReasonForm):
    minutes = forms.IntegerField(
        label="延长分钟数", min_value=1, max_value=LARGEST_EXTENSION_SECONDS // 60
    )


class AttemptMoveForm(AttemptReasonForm):
    picked = ("attempt_id", "seat_id")

    seat_id = _id_field("新座位的考试机")
