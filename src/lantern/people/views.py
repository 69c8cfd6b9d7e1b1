from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.core.access import Actor
from lantern.core.panels import panel_context
from lantern.core.views import with_actor
from lantern.people import queries
from lantern.people.forms import PersonSearchForm


@with_actor
def search(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = queries.person_search(actor, form.cleaned_data["q"])
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/search.html"
    return render(request, template, {"form": form, "results": results})


@with_actor
def detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    record = queries.person_record(actor, pk, purpose=request.GET.get("purpose", "")[:200])
    context = {"record": record, "person": record.person}
    return render(
        request, "people/detail.html", context | panel_context("person", actor, record.person)
    )
