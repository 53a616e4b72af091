"""The exams API: the public timetable, and one sub-router per part mounted at /api/exams/."""

from ninja import Router

from peikao.exams.api.bank import router as bank_router
from peikao.exams.api.timetable import public_router

router = Router(tags=["考试"])
router.add_router("", bank_router, tags=["题库与组卷"])

__all__ = ["public_router", "router"]
