"""Administrators load screening instruments here (never screenings: those are case content).

Versions are read-only: a loaded version never changes. "Add" is the file upload, which
checks the whole file and lists every problem (line and field) or loads all of it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from lantern.core.access import Actor
from lantern.core.datafiles import Problem
from lantern.screening import services
from lantern.screening.instruments import InstrumentError
from lantern.screening.models import Instrument, InstrumentVersion

MAX_FILE_BYTES = 1_000_000


class InstrumentFileForm(forms.Form):
    file = forms.FileField(label="Instrument file (YAML)")
    keep_current = forms.BooleanField(
        required=False, label="Load it without putting it in use for its age group"
    )


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin[Instrument]):
    list_display = ("name", "code", "audience", "in_use", "current_version")
    readonly_fields = ("code", "audience", "name", "in_use", "current_version")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin[InstrumentVersion]):
    list_display = ("instrument", "version", "loaded_at", "loaded_by", "source")
    list_filter = ("instrument",)
    readonly_fields = (
        "instrument",
        "version",
        "name",
        "sha256",
        "source",
        "loaded_at",
        "loaded_by",
        "source_text",
    )
    exclude = ("definition",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        actor: Actor | None = getattr(request, "actor", None)
        if actor is None:
            raise PermissionDenied("Choose the role you are acting as first")
        form = InstrumentFileForm(request.POST or None, request.FILES or None)
        problems: list[Problem] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_FILE_BYTES:
                form.add_error("file", "The file is larger than 1 MB; is it an instrument file?")
            else:
                try:
                    text = upload.read().decode("utf-8")
                except UnicodeDecodeError:
                    form.add_error("file", "The file is not UTF-8 text")
                else:
                    try:
                        result = services.instrument_load(
                            actor=actor,
                            text=text,
                            source=upload.name,
                            activate=not form.cleaned_data["keep_current"],
                        )
                    except InstrumentError as exc:
                        problems = list(exc.problems)
                    else:
                        v = result.version
                        if result.created:
                            messages.success(request, f"Loaded {v.name}, version {v.version}")
                        else:
                            messages.info(request, f"Version {v.version} was already loaded")
                        return redirect("admin:screening_instrumentversion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Load a screening instrument",
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/screening/load_instrument.html", context)
