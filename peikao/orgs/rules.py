"""The state machine of a training institution's registration.

active ──suspend──▶ suspended ──reinstate──▶ active; either ──exit──▶ exited (final).
Source: 忻应急发〔2024〕26号 三 (暂停培训直至引导退出培训市场).
"""

ACTIVE, SUSPENDED, EXITED = "active", "suspended", "exited"

STATUS_TRANSITIONS = {
    (ACTIVE, SUSPENDED): "institution.suspended",
    (SUSPENDED, ACTIVE): "institution.reinstated",
    (ACTIVE, EXITED): "institution.exited",
    (SUSPENDED, EXITED): "institution.exited",
}

STATUS_NAMES = {ACTIVE: "正常", SUSPENDED: "暂停培训", EXITED: "已退出"}


def transition_error(current: str, target: str) -> str:
    """'' when the change is allowed, else why not, in Chinese."""
    if (current, target) in STATUS_TRANSITIONS:
        return ""
    if current == target:
        return f"该机构已经是“{STATUS_NAMES.get(current, current)}”状态。"
    if current == EXITED:
        return "该机构已退出培训市场，不能再变更状态。"
    return f"不能从“{STATUS_NAMES.get(current, current)}”变为“{STATUS_NAMES.get(target, target)}”。"
