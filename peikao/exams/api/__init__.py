"""The exams API: the public timetable, and one sub-router per part mounted at /api/exams/."""

from ninja import Router

from peikao.exams.api.applications import router as applications_router
from peikao.exams.api.sessions import router as sessions_router
from peikao.exams.api.timetable import public_router

router = Router(tags=["考试"])
router.add_router("", sessions_router)
router.add_router("", applications_router)

__all__ = ["public_router", "router"]
