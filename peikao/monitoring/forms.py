from typing import cast

from django import forms

from peikao.core.forms import NamedErrorsForm, column_text
from peikao.monitoring import selectors
from peikao.monitoring.models import Device

DEVICE_KINDS = list(Device.Kind.choices)


class DeviceRegisterForm(NamedErrorsForm):
    """A camera or terminal in one of the actor's own rooms; a room it may not use is an
    unknown choice, like a room that does not exist."""

    room: forms.ModelChoiceField = forms.ModelChoiceField(
        label="设备所在的教室或考场", queryset=None
    )
    kind = forms.ChoiceField(label="设备类型", choices=DEVICE_KINDS)
    name = forms.CharField(label="设备名称", max_length=50)
    serial_number = forms.CharField(label="序列号", max_length=64)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = selectors.registrable_rooms(
            actor
        )


class DeviceDeactivateForm(NamedErrorsForm):
    # Kept as the history row's change reason: that column is its limit.
    reason = column_text(Device.history.model, "history_change_reason", label="停用原因")
