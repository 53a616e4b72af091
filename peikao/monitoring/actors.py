"""A device acting through the API: its own kind of actor, owned by the device's organisation."""

from peikao.accounts.actor import Actor
from peikao.monitoring.models import Device


def device_actor(device: Device) -> Actor:
    return Actor.device(device_id=device.pk, organization=device.organization, name=str(device))
