"""The life of an exam application (考试报名): reviewed by the exam center, approved, returned
for correction, or rejected as fraud (资料造假一律取消本次考核资格, 运城市通知 附件1)."""

from peikao.core.state_machine import StateMachine, Transition

SUBMITTED, RETURNED, APPROVED = "submitted", "returned", "approved"
REJECTED, WITHDRAWN, CANCELLED = "rejected", "withdrawn", "cancelled"
ACTIVE = frozenset({SUBMITTED, RETURNED, APPROVED})

APPLICATION = StateMachine(
    noun="考试报名",
    states={
        SUBMITTED: "待审核",
        RETURNED: "退回修改",
        APPROVED: "审核通过",
        REJECTED: "资料造假，取消资格",
        WITHDRAWN: "已撤回",
        CANCELLED: "考试取消",
    },
    transitions=(
        Transition(
            "approve", frozenset({SUBMITTED}), APPROVED, "exam_application.approved", "审核通过"
        ),
        Transition(
            "return", frozenset({SUBMITTED}), RETURNED, "exam_application.returned", "退回修改"
        ),
        Transition(
            "resubmit",
            frozenset({RETURNED}),
            SUBMITTED,
            "exam_application.resubmitted",
            "重新提交",
        ),
        Transition(
            "reject",
            frozenset({SUBMITTED, RETURNED}),
            REJECTED,
            "exam_application.rejected",
            "认定资料造假",
        ),
        Transition(
            "withdraw",
            frozenset({SUBMITTED, RETURNED, APPROVED}),
            WITHDRAWN,
            "exam_application.withdrawn",
            "撤回报名",
        ),
        Transition(
            "cancel",
            frozenset({SUBMITTED, RETURNED, APPROVED}),
            CANCELLED,
            "exam_application.cancelled",
            "考试取消",
        ),
    ),
    final={
        REJECTED: "该报名已认定资料造假，取消本次考核资格。",
        WITHDRAWN: "该报名已撤回。",
        CANCELLED: "该考试已取消。",
    },
)
