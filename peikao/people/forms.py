"""Page input about people, checked by Django forms: a field left blank is named ("请填写…")
before any rule reads it."""

from django import forms

from peikao.catalog import selectors as catalog_selectors
from peikao.core.forms import bound_dates
from peikao.people import rules
from peikao.people.models import Violation

BLANK_CHOICE = ("", "请选择")
VIOLATION_KINDS = Violation.Kind.choices
VIOLATION_STATUSES = Violation.Status.choices
NEW_HIRE_CHOICES = [("", "未说明"), ("true", "是（新入职）"), ("false", "否（在岗人员）")]
FEMALE_POST_CHOICES = [("", "未选择（男性不填）")] + [
    (post.value, rules.FEMALE_POST_NAMES[post]) for post in rules.FemalePost
]
ELIGIBILITY_FLAGS = {
    "education_related_to_coal": "煤矿相关专业",
    "education_chemical": "化工类专业（职业教育或以上）",
    "education_chemistry_or_safety": "化学、化工或安全类专业",
    "chemical_intermediate_title": "化工类中级及以上职称",
    "major_hazard_or_key_process": "从事重大危险源或重点监管危险化工工艺",
    "explosive_chemicals": "涉及爆炸危险性化学品",
    "hazardous_chemical_key_unit": "危险化学品重点单位的负责人或安全管理人员",
}


def yes_no_unknown(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


def _required(label: str) -> dict:
    return {"required": f"请填写{label}。"}


class EligibilityForm(forms.Form):
    """The dry run's particulars, in the shape check_eligibility reads them."""

    id_number = forms.CharField(
        label="身份证号码", max_length=18, error_messages=_required("身份证号码")
    )
    education = forms.TypedChoiceField(
        label="文化程度",
        coerce=int,
        choices=[BLANK_CHOICE, *sorted(rules.EDUCATION_NAMES.items())],
        error_messages=_required("文化程度"),
    )
    female_post = forms.ChoiceField(
        label="女性人员岗位类型", choices=FEMALE_POST_CHOICES, required=False
    )
    new_hire = forms.TypedChoiceField(
        label="是否新入职",
        choices=NEW_HIRE_CHOICES,
        coerce=yes_no_unknown,
        empty_value=None,
        required=False,
    )
    post = forms.ChoiceField(
        label="报考人员类别",
        choices=[(post.value, name) for post, name in rules.POST_NAMES.items()],
        error_messages=_required("报考人员类别"),
    )
    item_code = forms.ChoiceField(label="特种作业项目", required=False)
    coal_mine_work_months = forms.IntegerField(
        label="煤矿工作月数",
        min_value=0,
        required=False,
        error_messages={
            "min_value": "煤矿工作月数不能为负数。",
            "invalid": "煤矿工作月数应为整数。",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item_code = self.fields["item_code"]
        assert isinstance(item_code, forms.ChoiceField)
        item_code.choices = [("", "—")] + [
            (item.code, str(item)) for item in catalog_selectors.operation_items()
        ]
        for key, label in ELIGIBILITY_FLAGS.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def clean_coal_mine_work_months(self) -> int:
        return self.cleaned_data["coal_mine_work_months"] or 0


class ViolationForm(forms.Form):
    """A 三违 record as the page gives it; the service checks the rest (the date, the scope)."""

    id_number = forms.CharField(
        label="身份证号码", max_length=18, error_messages=_required("身份证号码")
    )
    kind = forms.ChoiceField(
        label="类型", choices=VIOLATION_KINDS, error_messages={"required": "请选择三违类型。"}
    )
    occurred_on = forms.DateField(
        label="发生日期",
        error_messages={**_required("发生日期"), "invalid": "发生日期无效，请按 2026-01-31 填写。"},
    )
    post = forms.CharField(label="岗位", max_length=50, required=False)
    confirmed_by = forms.CharField(
        label="确认人", max_length=50, error_messages=_required("确认人")
    )
    description = forms.CharField(label="经过", error_messages={"required": "请填写违章经过。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        occurred_on = self.fields["occurred_on"]
        assert isinstance(occurred_on, forms.DateField)
        bound_dates(occurred_on)


def form_errors(form: forms.Form) -> list[str]:
    """Every error of the form, each naming its field."""
    named = []
    for key, errors in form.errors.items():
        label = str(form.fields[key].label) if key in form.fields else ""
        for error in map(str, errors):
            named.append(error if label in error else f"{label}：{error}")
    return named
