from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from peikao.people import selectors

PEOPLE_PER_PAGE = 50


@login_required
def person_list(request):
    people = selectors.person_list(request.jurisdiction)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/person_list.html", {"page": page})


@login_required
def my_record(request):
    person = selectors.person_of_trainee(request.jurisdiction)
    return render(request, "people/my_record.html", {"person": person})
