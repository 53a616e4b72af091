from django.shortcuts import render
from django.utils import timezone

from peikao.core.scoping import id_of
from peikao.exams import selectors
from peikao.orgs.selectors import city_list, exam_point_list


def landing(request):
    return render(request, "exams/landing.html")


def timetable(request):
    filters = {
        "city": request.GET.get("city", ""),
        "exam_point": request.GET.get("exam_point", ""),
        "series": request.GET.get("series", ""),
        "month": request.GET.get("month", ""),
    }
    exam_point = id_of(filters["exam_point"])
    month_error = bool(filters["month"]) and selectors.month_start(filters["month"]) is None
    return render(
        request,
        "exams/timetable.html",
        {
            "sessions": selectors.public_timetable(
                city=filters["city"],
                exam_point=exam_point,
                series=filters["series"],
                month=filters["month"],
            ),
            "filters": filters,
            "cities": city_list(),
            "exam_points": exam_point_list(),
            "series_choices": selectors.series_choices(),
            "month_error": month_error,
            "today": timezone.localdate(),
        },
    )
