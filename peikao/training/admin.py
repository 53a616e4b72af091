from django.contrib import admin

from peikao.core.admin import ReadOnlyAdmin
from peikao.training.models import (
    AttendanceEvent,
    AttendanceRejection,
    ClassArchive,
    Enrolment,
    HoursCertificate,
    Teacher,
    TrainingClass,
    TrainingPlan,
)


@admin.register(TrainingPlan)
class TrainingPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["title", "organization__name"]


@admin.register(Teacher)
class TeacherAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "employment", "years_of_practice", "active"]
    search_fields = ["name", "organization__name"]


@admin.register(TrainingClass)
class TrainingClassAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "item", "starts_on", "ends_on", "status"]
    list_filter = ["status", "training_type", "special_retraining"]
    search_fields = ["name", "organization__name"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "training_class", "status", "hours", "overlap_flagged"]
    list_filter = ["status", "overlap_flagged"]
    search_fields = ["person__name", "training_class__name"]


@admin.register(AttendanceEvent)
class AttendanceEventAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "session", "direction", "occurred_at", "source", "method"]
    list_filter = ["source", "direction"]


@admin.register(AttendanceRejection)
class AttendanceRejectionAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "organization", "id_number_masked", "reason"]


@admin.register(HoursCertificate)
class HoursCertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "enrolment", "hours", "issued_at"]
    search_fields = ["number"]


@admin.register(ClassArchive)
class ClassArchiveAdmin(ReadOnlyAdmin):
    list_display = ["training_class", "status", "frozen_at", "retain_until", "removed_at"]
