"""The training API: one sub-router per part, mounted at /api/training/."""

from ninja import Router

from peikao.training.api.archives import router as archives_router
from peikao.training.api.attendance import router as attendance_router
from peikao.training.api.classes import router as classes_router
from peikao.training.api.enrolment import router as enrolment_router
from peikao.training.api.plans import router as plans_router

router = Router(tags=["培训"])
router.add_router("", plans_router)
router.add_router("", classes_router)
router.add_router("", enrolment_router)
router.add_router("", attendance_router)
router.add_router("", archives_router)
