"""The life of an exam session (考试计划): open for applications, seated, finished or
cancelled. Moving a session (a new date or start) is not a change of status: it is an audited
act with its reason, and every applicant is told (exams.services.sessions)."""

from peikao.core.state_machine import StateMachine, Transition

OPEN, SEATED, FINISHED, CANCELLED = "open", "seated", "finished", "cancelled"

SESSION = StateMachine(
    noun="考试",
    states={OPEN: "报名中", SEATED: "已排考", FINISHED: "已结束", CANCELLED: "已取消"},
    transitions=(
        Transition("seat", frozenset({OPEN}), SEATED, "exam_session.seated", "排考"),
        Transition("finish", frozenset({SEATED}), FINISHED, "exam_session.finished", "结束考试"),
        Transition(
            "cancel", frozenset({OPEN, SEATED}), CANCELLED, "exam_session.cancelled", "取消考试"
        ),
    ),
    final={
        FINISHED: "该考试已结束，不能再变更。",
        CANCELLED: "该考试已取消，不能再变更。",
    },
)
