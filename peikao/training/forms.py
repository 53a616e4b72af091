"""Training's page input, checked by Django forms before any rule reads it (a field left blank
is named: 请填写…), and the choices its pages offer, so that views need no models."""

from datetime import datetime

from django import forms
from django.utils import timezone

from peikao.core.forms import NamedErrorsForm, column_text
from peikao.core.scoping import LARGEST_ID
from peikao.training import rules
from peikao.training.models import (
    AttendanceEvent,
    Enrolment,
    Teacher,
    TrainingClass,
    TrainingPlan,
    TrainingType,
)

CLASS_STATUSES = list(rules.CLASS.states.items())
PLAN_STATUSES = list(rules.PLAN.states.items())
TRAINING_TYPES = list(TrainingType.choices)
EMPLOYMENTS = list(Teacher.Employment.choices)
DIRECTIONS = list(AttendanceEvent.Direction.choices)


class PlanCreateForm(NamedErrorsForm):
    title = column_text(TrainingPlan, "title", label="计划名称")


class PlanReviewForm(NamedErrorsForm):
    """Approving or returning a plan; that a return needs a reason is the service's rule."""

    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "审核通过"), ("return", "退回修改")]
    )
    note = column_text(TrainingPlan, "review_note", label="审核意见", required=False)


class ClassAdvanceForm(NamedErrorsForm):
    target = forms.ChoiceField(
        label="办理事项",
        choices=[
            (rules.IN_PROGRESS, rules.CLASS["start"].label),
            (rules.FINISHED, rules.CLASS["finish"].label),
        ],
    )


# The regulator's two buttons, and the status each moves the class to.
SUPERVISION_TARGETS = {"suspend": rules.CLASS_SUSPENDED, "resume": rules.FILED}


class ClassSuperviseForm(NamedErrorsForm):
    decision = forms.ChoiceField(
        label="监管决定", choices=[("suspend", "叫停"), ("resume", "恢复培训")]
    )
    reason = column_text(TrainingClass, "status_reason", label="原因")


class EnrolmentWithdrawForm(NamedErrorsForm):
    # Kept as the history row's change reason: that column is its limit.
    reason = column_text(Enrolment.history.model, "history_change_reason", label="退出原因")


class PlanLineForm(NamedErrorsForm):
    """A planned class; which item, industry and dates the institution may plan is the
    service's to check."""

    post_category = forms.CharField(label="人员类别")
    item = forms.CharField(label="特种作业项目", required=False)
    industry = forms.CharField(label="行业", required=False)
    training_type = forms.ChoiceField(label="培训类型", choices=TRAINING_TYPES)
    planned_size = forms.IntegerField(label="计划人数", min_value=1, max_value=10_000)
    planned_start = forms.DateField(label="计划开班日期")
    planned_end = forms.DateField(label="计划结业日期")


class TeacherForm(NamedErrorsForm):
    name = forms.CharField(label="姓名", max_length=50)
    employment = forms.ChoiceField(label="专兼职", choices=EMPLOYMENTS)
    qualifications = forms.CharField(label="资格与职称", max_length=200, required=False)
    years_of_practice = forms.IntegerField(label="从业年限", min_value=0, max_value=80)

    def cleaned_with(self, request) -> dict:
        """The fields, with the items and post categories chosen (the service checks them)."""
        return {
            **self.cleaned_data,
            "item_codes": request.POST.getlist("items"),
            "post_category_codes": request.POST.getlist("post_categories"),
        }


class ClassroomForm(NamedErrorsForm):
    name = forms.CharField(label="教室名称", max_length=50)
    seats = forms.IntegerField(label="座位数", min_value=1, max_value=10_000)


class AttendanceByHandForm(NamedErrorsForm):
    """An event a clerk records by hand; the reason is the service's to require (its message
    says why it is needed)."""

    picked = ("enrolment", "session")

    enrolment = forms.IntegerField(label="学员", min_value=1, max_value=LARGEST_ID)
    session = forms.IntegerField(label="课次", min_value=1, max_value=LARGEST_ID)
    direction = forms.ChoiceField(label="签到或签退", choices=DIRECTIONS)
    date = forms.DateField(label="考勤日期")
    time = forms.TimeField(label="考勤时间")
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def occurred_at(self) -> datetime:
        entered = self.cleaned_data
        return timezone.make_aware(datetime.combine(entered["date"], entered["time"]))


class ClassFilingForm(NamedErrorsForm):
    """The head of a class filing; the timetable rows are read beside it, row by row."""

    picked = ("plan_line", "room")

    plan_line = forms.IntegerField(label="计划明细", min_value=1, max_value=LARGEST_ID)
    name = forms.CharField(label="班级名称", max_length=100)
    capacity = forms.IntegerField(label="班级人数", min_value=1, max_value=10_000)
    room = forms.IntegerField(label="主教室", min_value=1, max_value=LARGEST_ID)
    special_retraining = forms.BooleanField(label="三违专项培训班", required=False)
