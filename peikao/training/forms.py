"""The choices training's pages offer, so that views need no models."""

from peikao.training import rules
from peikao.training.models import Teacher, TrainingType

CLASS_STATUSES = list(rules.CLASS.states.items())
PLAN_STATUSES = list(rules.PLAN.states.items())
TRAINING_TYPES = list(TrainingType.choices)
EMPLOYMENTS = list(Teacher.Employment.choices)
