"""The state machine of a training institution's registration.

active ──suspend──▶ suspended ──reinstate──▶ active; either ──exit──▶ exited (final).
Source: 忻应急发〔2024〕26号 三 (暂停培训直至引导退出培训市场).
"""

from peikao.core.state_machine import StateMachine, Transition

ACTIVE, SUSPENDED, EXITED = "active", "suspended", "exited"

INSTITUTION = StateMachine(
    noun="机构",
    states={ACTIVE: "正常", SUSPENDED: "暂停培训", EXITED: "已退出"},
    transitions=(
        Transition("suspend", frozenset({ACTIVE}), SUSPENDED, "institution.suspended", "暂停培训"),
        Transition(
            "reinstate", frozenset({SUSPENDED}), ACTIVE, "institution.reinstated", "恢复培训"
        ),
        Transition(
            "exit", frozenset({ACTIVE, SUSPENDED}), EXITED, "institution.exited", "退出培训市场"
        ),
    ),
    final={EXITED: "该机构已退出培训市场，不能再变更状态。"},
)

# The regulator names the status it wants; each is reached by exactly one transition.
TRANSITION_TO = {t.target: t.name for t in INSTITUTION.transitions}
