from peikao.training.views import archives, attendance, classes, enrolment, plans

app_name = "training"

urlpatterns = [
    *plans.urlpatterns,
    *classes.urlpatterns,
    *enrolment.urlpatterns,
    *attendance.urlpatterns,
    *archives.urlpatterns,
]
