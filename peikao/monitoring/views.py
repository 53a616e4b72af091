from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from peikao.core.errors import DomainError, NotFound, PermissionDenied
from peikao.core.pagination import keyset_page_of_request
from peikao.core.views import form_checked_action
from peikao.monitoring import selectors, services
from peikao.monitoring.forms import DEVICE_KINDS, DeviceDeactivateForm, DeviceRegisterForm
from peikao.monitoring.permissions import can_manage_devices, require_device_manager_role

DEVICES_PER_PAGE = 50


def _device_page(request, *, issued=None, entered=None):
    """The device list; `issued` is a (device, key) pair whose key is shown this once."""
    actor = request.actor
    devices = selectors.device_list(actor)
    return render(
        request,
        "monitoring/device_list.html",
        {
            "page": keyset_page_of_request(request, devices, size=DEVICES_PER_PAGE),
            "can_manage": can_manage_devices(actor),
            "rooms": selectors.registrable_rooms(actor),
            "kinds": DEVICE_KINDS,
            "issued": issued,
            "entered": entered or {},
        },
    )


# NotFound and PermissionDenied are not form messages: they become the 404 and 403 pages.
REFUSALS_SHOWN_AS_PAGES = (NotFound, PermissionDenied)


# A page showing a key must not be kept by the browser or a proxy.
@never_cache
@login_required
def device_list(request):
    if request.method != "POST":
        return _device_page(request)
    require_device_manager_role(request.actor)
    form = DeviceRegisterForm(request.POST, actor=request.actor)
    if not form.is_valid():
        for message in form.messages():
            messages.error(request, message)
        return _device_page(request, entered=request.POST)
    entered = form.cleaned_data
    try:
        issued = services.device_register(
            actor=request.actor,
            room_id=entered["room"].pk,
            kind=entered["kind"],
            name=entered["name"],
            serial_number=entered["serial_number"],
        )
    except REFUSALS_SHOWN_AS_PAGES:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return _device_page(request, entered=request.POST)
    # Rendered, not redirected: the key must not pass through the session or a cookie.
    return _device_page(request, issued=issued)


@never_cache
@login_required
@require_POST
def device_rotate_key(request, device_id: int):
    try:
        issued = services.device_rotate_key(actor=request.actor, device_id=device_id)
    except REFUSALS_SHOWN_AS_PAGES:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("monitoring:devices")
    return _device_page(request, issued=issued)


@login_required
@require_POST
def device_deactivate(request, device_id: int):
    form_checked_action(
        request,
        DeviceDeactivateForm(request.POST),
        lambda entered: services.device_deactivate(
            actor=request.actor, device_id=device_id, **entered
        ),
        lambda device: f"设备“{device.name}”已停用，其密钥不再有效。",
    )
    return redirect("monitoring:devices")
