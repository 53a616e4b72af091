"""Domain errors: raised by services, shown to the user in Chinese, mapped to HTTP by the API."""


class DomainError(Exception):
    """A request the rules refuse. `messages` lists every reason, in Chinese."""

    status_code = 400

    def __init__(self, *messages: str):
        self.messages = [m for m in messages if m]
        super().__init__("；".join(self.messages))


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
