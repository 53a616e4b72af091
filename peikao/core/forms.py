"""Page input checked by Django forms, with messages that name the field: a field left blank
says "请填写…" (or "请选择…" for a choice) before any rule reads it."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from peikao.core.bounds import EARLIEST_DAY, LATEST_DAY


class NamedErrorsForm(forms.Form):
    """A form whose required, invalid and unknown-choice messages name the field in Chinese.
    `picked` names fields given as ids from a list on the page (asked with 请选择). Dates are
    bounded to the years any date may have (core/bounds.py)."""

    picked: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = str(field.label or "")
            chosen = name in self.picked or isinstance(
                field, forms.ChoiceField | forms.ModelChoiceField
            )
            field.error_messages["required"] = f"{'请选择' if chosen else '请填写'}{label}。"
            field.error_messages["invalid"] = f"请填写正确的{label}。"
            field.error_messages["invalid_choice"] = f"{label}的选项无效，请从列表中选择。"
            field.error_messages["min_value"] = f"{label}不能小于%(limit_value)s。"
            field.error_messages["max_value"] = f"{label}不能大于%(limit_value)s。"
            field.error_messages["max_length"] = f"{label}不能超过%(limit_value)d个字符。"
            if isinstance(field, forms.DateField):
                bound_dates(field)

    def messages(self) -> list[str]:
        """Every error, in the order of the fields, for the page's message area."""
        return [str(error) for errors in self.errors.values() for error in errors]


def column_text(model, column: str, *, label: str, required: bool = True) -> forms.CharField:
    """A text field as long as the model column it fills, so that a value too long is named
    on the form (…不能超过N个字符) rather than refused by the database."""
    return forms.CharField(
        label=label, max_length=model._meta.get_field(column).max_length, required=required
    )


def bound_dates(field: forms.DateField) -> None:
    """A date field takes the years that convert without overflow (core/bounds.py), and says
    so on the form (…不能小于1900-01-01)."""
    field.validators = [
        *field.validators,
        MinValueValidator(EARLIEST_DAY),
        MaxValueValidator(LATEST_DAY),
    ]
    label = str(field.label or "日期")
    field.error_messages["min_value"] = f"{label}不能早于%(limit_value)s。"
    field.error_messages["max_value"] = f"{label}不能晚于%(limit_value)s。"
    field.widget.attrs.setdefault("min", EARLIEST_DAY.isoformat())
    field.widget.attrs.setdefault("max", LATEST_DAY.isoformat())
