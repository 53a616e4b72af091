"""The exams API: the public timetable, and one sub-router per part mounted at /api/exams/."""

from ninja import Router

from peikao.exams.api.attempts import router as attempts_router
from peikao.exams.api.timetable import public_router

router = Router(tags=["考试"])
router.add_router("", attempts_router)

__all__ = ["public_router", "router"]
