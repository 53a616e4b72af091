from django import forms

from peikao.certificates import rules
from peikao.core.forms import NamedErrorsForm


class LookupForm(NamedErrorsForm):
    number = forms.CharField(label="证书编号", max_length=30)
    name = forms.CharField(label="持证人姓名", max_length=50)


class StatementForm(NamedErrorsForm):
    text = forms.CharField(label="二维码内容", max_length=2000, required=False)
    image = forms.ImageField(
        label="二维码图片",
        required=False,
        error_messages={"invalid_image": "无法读取该图片，请上传 PNG 或 JPEG 格式的二维码照片。"},
    )

    def clean(self):
        cleaned = super().clean() or {}
        if not cleaned.get("text", "").strip() and not cleaned.get("image"):
            raise forms.ValidationError("请粘贴二维码内容，或上传二维码图片。")
        return cleaned


class SpreadsheetForm(NamedErrorsForm):
    file = forms.FileField(label="Excel 表格")


class ReasonForm(NamedErrorsForm):
    reason = forms.CharField(label="理由", max_length=300)


class RevokeForm(NamedErrorsForm):
    reason = forms.ChoiceField(label="撤销原因", choices=sorted(rules.REVOCATION_REASONS.items()))
    note = forms.CharField(label="说明", max_length=200, required=False)


class CancelForm(NamedErrorsForm):
    reason = forms.ChoiceField(label="注销原因", choices=sorted(rules.CANCELLATION_REASONS.items()))
    note = forms.CharField(label="说明", max_length=200, required=False)


class ReissueForm(NamedErrorsForm):
    reason = forms.ChoiceField(label="补发原因", choices=sorted(rules.REISSUE_REASONS.items()))


class ChangeForm(NamedErrorsForm):
    unit_name = forms.CharField(label="单位名称", max_length=100)
    reason = forms.CharField(label="变更理由", max_length=300)


class ReviewPassForm(NamedErrorsForm):
    long_interval = forms.BooleanField(label="同时批准每6年复审一次", required=False)
