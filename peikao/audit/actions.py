"""Every audited action: a named constant with what it means to a clerk reading the log."""

from enum import StrEnum


class Action(StrEnum):
    AUTH_LOGIN = "auth.login"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_LOCKED_OUT = "auth.locked_out"
    AUTH_LOGOUT = "auth.logout"
    AUTH_ROLE_SWITCHED = "auth.role_switched"
    AUTH_PASSWORD_CHANGED = "auth.password_changed"
    INSTITUTION_SUSPENDED = "institution.suspended"
    INSTITUTION_REINSTATED = "institution.reinstated"
    INSTITUTION_EXITED = "institution.exited"
    INSTITUTION_REGISTRATION_CHANGED = "institution.registration_changed"
    RULE_VALUE_SET = "rule_value.set"
    RULE_VALUE_CORRECTED = "rule_value.corrected"
    AUDIT_CHAIN_VERIFIED = "audit.chain_verified"
    AUDIT_SEALED = "audit.sealed"
    DEVICE_REGISTERED = "device.registered"
    DEVICE_KEY_ROTATED = "device.key_rotated"
    DEVICE_DEACTIVATED = "device.deactivated"
    PLAN_CREATED = "plan.created"
    PLAN_LINE_ADDED = "plan.line_added"
    PLAN_LINE_REMOVED = "plan.line_removed"
    PLAN_SUBMITTED = "plan.submitted"
    PLAN_APPROVED = "plan.approved"
    PLAN_RETURNED = "plan.returned"
    TEACHER_SAVED = "teacher.saved"
    CLASSROOM_SAVED = "classroom.saved"
    CLASS_FILED = "class.filed"
    CLASS_STARTED = "class.started"
    CLASS_FINISHED = "class.finished"
    CLASS_ARCHIVED = "class.archived"
    CLASS_SUSPENDED = "class.suspended"
    CLASS_RESUMED = "class.resumed"
    ATTENDANCE_RECORDED = "attendance.recorded"
    ATTENDANCE_REFUSED = "attendance.refused"
    HOURS_CERTIFICATE_ISSUED = "hours_certificate.issued"
    VIOLATION_RECORDED = "violation.recorded"
    VIOLATION_CLOSED = "violation.closed"
    RETRAINING_TEST_PASSED = "retraining.test_passed"
    PERSON_RECORDED = "person.recorded"
    PERSON_PHOTO_UPLOADED = "person.photo_uploaded"
    ENROLMENT_CREATED = "enrolment.created"
    ENROLMENT_WITHDRAWN = "enrolment.withdrawn"
    ENROLMENT_COMPLETED = "enrolment.completed"
    ENROLMENT_NOT_COMPLETED = "enrolment.not_completed"
    ENROLMENT_IMPORTED = "enrolment.imported"
    ENROLMENT_DOCUMENT_UPLOADED = "enrolment.document_uploaded"
    ENROLMENT_DOCUMENT_DELETED = "enrolment.document_deleted"
    CLASS_ARCHIVE_REMOVED = "class_archive.removed"
    CLASS_ARCHIVE_BUILT = "class_archive.built"
    CLASS_ARCHIVE_FAILED = "class_archive.failed"
    CLASS_ARCHIVE_RETRIED = "class_archive.retried"
    EXAM_SESSION_SCHEDULED = "exam_session.scheduled"
    EXAM_SESSION_MOVED = "exam_session.moved"
    EXAM_SESSION_SEATED = "exam_session.seated"
    EXAM_SESSION_FINISHED = "exam_session.finished"
    EXAM_SESSION_CANCELLED = "exam_session.cancelled"
    EXAM_APPLICATION_SUBMITTED = "exam_application.submitted"
    EXAM_APPLICATION_APPROVED = "exam_application.approved"
    EXAM_APPLICATION_RETURNED = "exam_application.returned"
    EXAM_APPLICATION_RESUBMITTED = "exam_application.resubmitted"
    EXAM_APPLICATION_REJECTED = "exam_application.rejected"
    EXAM_APPLICATION_WITHDRAWN = "exam_application.withdrawn"
    EXAM_APPLICATION_CANCELLED = "exam_application.cancelled"
    PRACTICAL_BLUEPRINT_SAVED = "practical_blueprint.saved"
    PRACTICAL_DRAWN = "practical.drawn"
    PRACTICAL_SCORE_ENTERED = "practical.score_entered"
    PRACTICAL_SCORED = "practical.scored"
    PRACTICAL_SIGNED = "practical.signed"
    PRACTICAL_ABSENT = "practical.absent"
    PRACTICAL_CORRECTED = "practical.corrected"
    EXAM_RESULT_THEORY_RECORDED = "exam_result.theory_recorded"
    EXAM_RESULT_PRACTICAL_RECORDED = "exam_result.practical_recorded"
    EXAM_RESULT_PASSED = "exam_result.passed"
    EXAM_RESULT_FAILED = "exam_result.failed"
    EXAM_RESULT_ABSENT = "exam_result.absent"
    EXAM_RESULT_CORRECTED = "exam_result.corrected"
    EXAM_RESULT_CORRECTED_TO_FAIL = "exam_result.corrected_to_fail"
    EXAM_RESULT_REOPENED = "exam_result.reopened"
    QUESTION_CREATED = "question.created"
    QUESTION_EDITED = "question.edited"
    QUESTION_RETIRED = "question.retired"
    QUESTIONS_IMPORTED = "question_bank.imported"
    QUESTIONS_EXPORTED = "question_bank.exported"
    BLUEPRINT_SAVED = "blueprint.saved"
    PAPERS_DRAWN = "paper.drawn"
    EXAM_ATTEMPT_CHECKED_IN = "exam_attempt.checked_in"
    EXAM_ATTEMPT_AUTHORIZED = "exam_attempt.authorized"
    EXAM_ATTEMPT_STARTED = "exam_attempt.started"
    EXAM_ATTEMPT_PAUSED = "exam_attempt.paused"
    EXAM_ATTEMPT_RESUMED = "exam_attempt.resumed"
    EXAM_ATTEMPT_TIME_ADDED = "exam_attempt.time_added"
    EXAM_ATTEMPT_MOVED = "exam_attempt.moved"
    EXAM_ATTEMPT_SUBMITTED = "exam_attempt.submitted"
    EXAM_ATTEMPT_SCORED = "exam_attempt.scored"
    EXAM_ATTEMPT_ABSENT = "exam_attempt.absent"
    EXAM_ATTEMPT_TERMINATED = "exam_attempt.terminated"
    EXAM_ATTEMPT_VOIDED = "exam_attempt.voided"
    CERTIFICATE_BATCH_CREATED = "certificate.batch_created"
    CERTIFICATE_ISSUE = "certificate.issue"
    CERTIFICATE_OPEN_REVIEW = "certificate.open_review"
    CERTIFICATE_FALL_OVERDUE = "certificate.fall_overdue"
    CERTIFICATE_REVIEW_PASS = "certificate.review_pass"
    CERTIFICATE_REVIEW_FAILED = "certificate.review_failed"
    CERTIFICATE_RENEW = "certificate.renew"
    CERTIFICATE_LAPSE = "certificate.lapse"
    CERTIFICATE_SUSPEND = "certificate.suspend"
    CERTIFICATE_REINSTATE = "certificate.reinstate"
    CERTIFICATE_REVOKE = "certificate.revoke"
    CERTIFICATE_CANCEL = "certificate.cancel"
    CERTIFICATE_REISSUED = "certificate.reissued"
    CERTIFICATE_PARTICULARS_CHANGED = "certificate.particulars_changed"
    CERTIFICATE_INTERVAL_EXTENDED = "certificate.interval_extended"
    CERTIFICATES_IMPORTED = "certificate.imported"
    SIGNING_KEY_ROTATED = "signing_key.rotated"
    SIGNING_KEY_RETIRED = "signing_key.retired"
    SIGNING_KEY_WITHDRAWN = "signing_key.withdrawn"
    CERTIFICATE_BATCH_STARTED = "certificate_batch.started"
    CERTIFICATE_BATCH_FINISHED = "certificate_batch.finished"
    CERTIFICATE_IMPORT_QUEUED = "certificate_import.queued"
    CERTIFICATE_IMPORT_STARTED = "certificate_import.started"
    CERTIFICATE_IMPORT_FINISHED = "certificate_import.finished"
    CERTIFICATE_IMPORT_REFUSED = "certificate_import.refused"
    CERTIFICATE_IMPORT_FAILED = "certificate_import.failed"
    NOTIFICATION_SENT = "notification.sent"
    NOTIFICATION_READ = "notification.read"
    NOTIFICATIONS_READ_ALL = "notification.read_all"
    NOTIFICATION_DELIVERY_SENT = "notification_delivery.sent"
    NOTIFICATION_DELIVERY_FAILED = "notification_delivery.failed"
    ADMIN_ADDED = "admin.added"
    ADMIN_CHANGED = "admin.changed"
    ADMIN_DELETED = "admin.deleted"


LABELS: dict[Action, str] = {
    Action.AUTH_LOGIN: "登录",
    Action.AUTH_LOGIN_FAILED: "登录失败",
    Action.AUTH_LOCKED_OUT: "账号锁定",
    Action.AUTH_LOGOUT: "退出登录",
    Action.AUTH_ROLE_SWITCHED: "切换角色",
    Action.AUTH_PASSWORD_CHANGED: "修改密码",
    Action.INSTITUTION_SUSPENDED: "暂停培训",
    Action.INSTITUTION_REINSTATED: "恢复培训",
    Action.INSTITUTION_EXITED: "退出培训市场",
    Action.INSTITUTION_REGISTRATION_CHANGED: "变更登记信息",
    Action.RULE_VALUE_SET: "设置规则参数",
    Action.RULE_VALUE_CORRECTED: "更正规则参数",
    Action.AUDIT_CHAIN_VERIFIED: "审计日志校验",
    Action.AUDIT_SEALED: "审计日志封存",
    Action.DEVICE_REGISTERED: "登记设备",
    Action.DEVICE_KEY_ROTATED: "更换设备密钥",
    Action.DEVICE_DEACTIVATED: "停用设备",
    Action.PLAN_CREATED: "编制培训计划",
    Action.PLAN_LINE_ADDED: "增加计划明细",
    Action.PLAN_LINE_REMOVED: "删除计划明细",
    Action.PLAN_SUBMITTED: "提交培训计划",
    Action.PLAN_APPROVED: "培训计划审核通过",
    Action.PLAN_RETURNED: "退回培训计划",
    Action.TEACHER_SAVED: "登记教师",
    Action.CLASSROOM_SAVED: "登记教室",
    Action.CLASS_FILED: "开班备案",
    Action.CLASS_STARTED: "开始培训",
    Action.CLASS_FINISHED: "培训班结业",
    Action.CLASS_ARCHIVED: "培训班归档",
    Action.CLASS_SUSPENDED: "叫停培训班",
    Action.CLASS_RESUMED: "恢复培训班",
    Action.ATTENDANCE_RECORDED: "记录考勤",
    Action.ATTENDANCE_REFUSED: "终端考勤被拒绝",
    Action.HOURS_CERTIFICATE_ISSUED: "出具学时证明",
    Action.VIOLATION_RECORDED: "登记三违",
    Action.VIOLATION_CLOSED: "三违记录关闭",
    Action.RETRAINING_TEST_PASSED: "专项培训考试合格",
    Action.PERSON_RECORDED: "登记人员信息",
    Action.PERSON_PHOTO_UPLOADED: "上传照片",
    Action.ENROLMENT_CREATED: "学员报名",
    Action.ENROLMENT_WITHDRAWN: "学员退出",
    Action.ENROLMENT_COMPLETED: "学员结业",
    Action.ENROLMENT_NOT_COMPLETED: "学员未达结业要求",
    Action.ENROLMENT_IMPORTED: "批量导入学员",
    Action.ENROLMENT_DOCUMENT_UPLOADED: "上传报名材料",
    Action.ENROLMENT_DOCUMENT_DELETED: "删除报名材料",
    Action.CLASS_ARCHIVE_REMOVED: "销毁到期档案",
    Action.CLASS_ARCHIVE_BUILT: "生成归档包",
    Action.CLASS_ARCHIVE_FAILED: "归档包生成失败",
    Action.CLASS_ARCHIVE_RETRIED: "重新生成归档包",
    Action.EXAM_SESSION_SCHEDULED: "安排考试",
    Action.EXAM_SESSION_MOVED: "调整考试时间",
    Action.EXAM_SESSION_SEATED: "排考",
    Action.EXAM_SESSION_FINISHED: "考试结束",
    Action.EXAM_SESSION_CANCELLED: "取消考试",
    Action.EXAM_APPLICATION_SUBMITTED: "考试报名",
    Action.EXAM_APPLICATION_APPROVED: "考试报名审核通过",
    Action.EXAM_APPLICATION_RETURNED: "考试报名退回修改",
    Action.EXAM_APPLICATION_RESUBMITTED: "考试报名重新提交",
    Action.EXAM_APPLICATION_REJECTED: "认定资料造假",
    Action.EXAM_APPLICATION_WITHDRAWN: "撤回考试报名",
    Action.EXAM_APPLICATION_CANCELLED: "考试取消（报名）",
    Action.PRACTICAL_BLUEPRINT_SAVED: "保存实操考核方案",
    Action.PRACTICAL_DRAWN: "实操考试抽题",
    Action.PRACTICAL_SCORE_ENTERED: "录入实操科目得分",
    Action.PRACTICAL_SCORED: "实操考试评分完成",
    Action.PRACTICAL_SIGNED: "实操成绩签名确认",
    Action.PRACTICAL_ABSENT: "实操考试缺考",
    Action.PRACTICAL_CORRECTED: "更正实操成绩",
    Action.EXAM_RESULT_THEORY_RECORDED: "登记理论成绩",
    Action.EXAM_RESULT_PRACTICAL_RECORDED: "登记实操成绩",
    Action.EXAM_RESULT_PASSED: "考试成绩合格",
    Action.EXAM_RESULT_FAILED: "考试成绩不合格",
    Action.EXAM_RESULT_ABSENT: "考试缺考",
    Action.EXAM_RESULT_CORRECTED: "成绩更正为合格",
    Action.EXAM_RESULT_CORRECTED_TO_FAIL: "成绩更正为不合格",
    Action.EXAM_RESULT_REOPENED: "理论考试作废，成绩待重新判定",
    Action.QUESTION_CREATED: "录入试题",
    Action.QUESTION_EDITED: "修改试题（新版本）",
    Action.QUESTION_RETIRED: "停用试题",
    Action.QUESTIONS_IMPORTED: "Excel 导入试题",
    Action.QUESTIONS_EXPORTED: "导出题库",
    Action.BLUEPRINT_SAVED: "保存组卷方案",
    Action.PAPERS_DRAWN: "组卷",
    Action.EXAM_ATTEMPT_CHECKED_IN: "考生签到（理论考试）",
    Action.EXAM_ATTEMPT_AUTHORIZED: "监考员核验身份",
    Action.EXAM_ATTEMPT_STARTED: "开始答题",
    Action.EXAM_ATTEMPT_PAUSED: "暂停考试",
    Action.EXAM_ATTEMPT_RESUMED: "恢复考试",
    Action.EXAM_ATTEMPT_TIME_ADDED: "延长考试时间",
    Action.EXAM_ATTEMPT_MOVED: "调换考试机座位",
    Action.EXAM_ATTEMPT_SUBMITTED: "交卷",
    Action.EXAM_ATTEMPT_SCORED: "理论考试评分",
    Action.EXAM_ATTEMPT_ABSENT: "记为缺考",
    Action.EXAM_ATTEMPT_TERMINATED: "终止考试（违纪）",
    Action.EXAM_ATTEMPT_VOIDED: "理论考试作废",
    Action.CERTIFICATE_BATCH_CREATED: "发证（批次）",
    Action.CERTIFICATE_ISSUE: "签发证书",
    Action.CERTIFICATE_OPEN_REVIEW: "证书进入复审期",
    Action.CERTIFICATE_FALL_OVERDUE: "证书逾期未复审",
    Action.CERTIFICATE_REVIEW_PASS: "复审通过",
    Action.CERTIFICATE_REVIEW_FAILED: "复审不通过",
    Action.CERTIFICATE_RENEW: "延期换证",
    Action.CERTIFICATE_LAPSE: "证书失效",
    Action.CERTIFICATE_SUSPEND: "暂扣证书",
    Action.CERTIFICATE_REINSTATE: "发还证书",
    Action.CERTIFICATE_REVOKE: "撤销证书",
    Action.CERTIFICATE_CANCEL: "注销证书",
    Action.CERTIFICATE_REISSUED: "补发证书",
    Action.CERTIFICATE_PARTICULARS_CHANGED: "变更证书信息",
    Action.CERTIFICATE_INTERVAL_EXTENDED: "延长复审周期",
    Action.CERTIFICATES_IMPORTED: "导入旧系统证书",
    Action.SIGNING_KEY_ROTATED: "更换证书签名密钥",
    Action.SIGNING_KEY_RETIRED: "签名密钥停止签发",
    Action.SIGNING_KEY_WITHDRAWN: "撤回签名密钥",
    Action.CERTIFICATE_BATCH_STARTED: "开始生成发证批次",
    Action.CERTIFICATE_BATCH_FINISHED: "发证批次生成完毕",
    Action.CERTIFICATE_IMPORT_QUEUED: "提交旧系统证书导入任务",
    Action.CERTIFICATE_IMPORT_STARTED: "开始处理导入任务",
    Action.CERTIFICATE_IMPORT_FINISHED: "导入任务完成",
    Action.CERTIFICATE_IMPORT_REFUSED: "导入任务未通过（文件有误）",
    Action.CERTIFICATE_IMPORT_FAILED: "导入任务出错",
    Action.NOTIFICATION_SENT: "发送通知",
    Action.NOTIFICATION_READ: "消息标为已读",
    Action.NOTIFICATIONS_READ_ALL: "全部消息标为已读",
    Action.NOTIFICATION_DELIVERY_SENT: "短信或邮件发送成功",
    Action.NOTIFICATION_DELIVERY_FAILED: "短信或邮件发送失败",
    Action.ADMIN_ADDED: "后台新增",
    Action.ADMIN_CHANGED: "后台修改",
    Action.ADMIN_DELETED: "后台删除",
}


def action_label(action: str) -> str:
    """The label of a recorded action; an action no longer named shows as stored."""
    try:
        return LABELS[Action(action)]
    except ValueError:
        return action
