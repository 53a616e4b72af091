"""Exams' page input, checked by Django forms before any rule reads it (a field left blank is
named: 请填写…). The registration deadline is a date and a time that defaults to 12:00, as the
notices say (报名截止日12:00)."""

from datetime import datetime, time

from django import forms
from django.utils import timezone

from peikao.core.forms import NamedErrorsForm, column_text
from peikao.core.scoping import LARGEST_ID, id_of
from peikao.exams.models import ExamSession, ExamType

NOON = time(12, 0)
NINE = time(9, 0)
EXAM_TYPES = list(ExamType.choices)
POST_CATEGORIES = [
    ("special_operator", "特种作业人员"),
    ("principal", "主要负责人"),
    ("safety_manager", "安全管理人员"),
]


def _moment(day, at) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _id_field(label: str, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=LARGEST_ID, required=required)


# The page offers the first item and three more, each with its own blueprints.
MORE_ITEM_ROWS = (2, 3, 4)


def _item_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=10, required=False)


class ScheduleForm(NamedErrorsForm):
    picked = ("theory_blueprint",)

    row = _id_field("考试计划", required=False)
    exam_point = _id_field("考试点", required=False)
    post_category = forms.ChoiceField(label="人员类别", choices=POST_CATEGORIES)
    item = forms.CharField(label="操作项目", max_length=10, required=False)
    industry = forms.CharField(label="行业", max_length=40, required=False)
    exam_type = forms.ChoiceField(label="考核类型", choices=EXAM_TYPES)
    deadline_date = forms.DateField(label="报名截止日期")
    deadline_time = forms.TimeField(label="报名截止时间", required=False)
    start_date = forms.DateField(label="考试日期")
    start_time = forms.TimeField(label="开考时间")
    theory_blueprint = _id_field("理论考试组卷方案")
    practical_blueprint = _id_field("实操考核方案", required=False)
    item_2 = _item_field("第2个操作项目")
    theory_blueprint_2 = _id_field("第2个操作项目的理论考试组卷方案", required=False)
    practical_blueprint_2 = _id_field("第2个操作项目的实操考核方案", required=False)
    item_3 = _item_field("第3个操作项目")
    theory_blueprint_3 = _id_field("第3个操作项目的理论考试组卷方案", required=False)
    practical_blueprint_3 = _id_field("第3个操作项目的实操考核方案", required=False)
    item_4 = _item_field("第4个操作项目")
    theory_blueprint_4 = _id_field("第4个操作项目的理论考试组卷方案", required=False)
    practical_blueprint_4 = _id_field("第4个操作项目的实操考核方案", required=False)

    def _blueprints(self) -> dict:
        """The pair of the first row alone, or a plan per item when more rows are filled."""
        data = self.cleaned_data
        more = [
            {
                "item": data[f"item_{row}"],
                "theory_blueprint_id": data[f"theory_blueprint_{row}"],
                "practical_blueprint_id": data[f"practical_blueprint_{row}"],
            }
            for row in MORE_ITEM_ROWS
            if data[f"item_{row}"] or data[f"theory_blueprint_{row}"]
        ]
        if not more:
            return {
                "items": [data["item"]] if data["item"] else [],
                "theory_blueprint_id": data["theory_blueprint"],
                "practical_blueprint_id": data["practical_blueprint"],
            }
        first = {
            "item": data["item"],
            "theory_blueprint_id": data["theory_blueprint"],
            "practical_blueprint_id": data["practical_blueprint"],
        }
        return {"plans": [first, *more]}

    def service_arguments(self, post) -> dict:
        """The service's keywords from the cleaned fields and the rooms ticked on the page
        (room_ids, and staff_<room id> for each)."""
        data = self.cleaned_data
        rooms = []
        for text in post.getlist("room_ids"):
            room_id = id_of(text)
            if room_id is None:
                continue
            staff = [id_of(value) for value in post.getlist(f"staff_{room_id}")]
            rooms.append({"room_id": room_id, "staff_ids": [s for s in staff if s is not None]})
        return {
            "row_id": data["row"],
            "exam_point_id": data["exam_point"],
            "post_category": data["post_category"],
            "industry": data["industry"],
            "exam_type": data["exam_type"],
            "registration_deadline": _moment(data["deadline_date"], data["deadline_time"] or NOON),
            "starts_at": _moment(data["start_date"], data["start_time"]),
            "rooms": rooms,
            **self._blueprints(),
        }


class MoveForm(NamedErrorsForm):
    exam_date = forms.DateField(label="考试日期")
    start_time = forms.TimeField(label="开考时间")
    deadline_date = forms.DateField(label="报名截止日期", required=False)
    deadline_time = forms.TimeField(label="报名截止时间", required=False)
    reason = column_text(ExamSession, "status_reason", label="调整原因")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        deadline = (
            _moment(data["deadline_date"], data["deadline_time"] or NOON)
            if data["deadline_date"]
            else None
        )
        return {
            "exam_date": data["exam_date"],
            "starts_at": _moment(data["exam_date"], data["start_time"]),
            "deadline": deadline,
            "reason": data["reason"],
        }


class ReasonForm(NamedErrorsForm):
    reason = column_text(ExamSession, "status_reason", label="取消原因")
