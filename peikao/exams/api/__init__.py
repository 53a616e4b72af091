"""The exams API: the public timetable, and one sub-router per part mounted at /api/exams/."""

from ninja import Router

from peikao.exams.api import applications, attempts, bank, practical, results, sessions
from peikao.exams.api.timetable import public_router

router = Router(tags=["考试"])
# The computer exam first: its seats' calls are the most frequent (URL patterns in order).
router.add_router("", attempts.router)
router.add_router("", sessions.router)
router.add_router("", applications.router)
router.add_router("", bank.router, tags=["题库与组卷"])
router.add_router("", practical.router)
router.add_router("", results.router)

__all__ = ["public_router", "router"]
