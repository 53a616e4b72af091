"""Page input of the practical exam and results, checked by Django forms."""

from django import forms

from peikao.core.forms import NamedErrorsForm


class SubjectScoreForm(NamedErrorsForm):
    """One subject's step points (step_1 … step_n, as many as the task has) and the veto items
    failed; the service checks each point against its step."""

    subject = forms.CharField(label="科目", max_length=10)
    veto = forms.TypedMultipleChoiceField(label="否决项", coerce=int, required=False)

    def __init__(self, *args, steps: int = 0, vetoes: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, steps + 1):
            self.fields[f"step_{number}"] = forms.CharField(
                label=f"第{number}步得分", max_length=10
            )
        veto = self.fields["veto"]
        assert isinstance(veto, forms.TypedMultipleChoiceField)
        veto.choices = [(str(i), str(i)) for i in range(vetoes)]
        for name, field in self.fields.items():
            if name.startswith("step_"):
                label = field.label
                field.error_messages["required"] = f"请填写{label}。"
                field.error_messages["max_length"] = f"{label}不能超过%(limit_value)d个字符。"

    @staticmethod
    def entry_of(data: dict) -> dict:
        """The service's arguments from the cleaned data."""
        steps = sorted(
            (int(name.removeprefix("step_")), value)
            for name, value in data.items()
            if name.startswith("step_")
        )
        return {
            "subject_code": data["subject"],
            "step_points": [value for _number, value in steps],
            "vetoes_failed": list(data.get("veto") or []),
        }


class CorrectionForm(SubjectScoreForm):
    reason = forms.CharField(label="更正原因", max_length=500)


class PeriodForm(NamedErrorsForm):
    start = forms.DateField(label="开始日期", required=False)
    end = forms.DateField(label="结束日期", required=False)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        return data
