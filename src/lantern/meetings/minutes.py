"""Minutes as documents: accessible HTML (with a print stylesheet) and PDF (WeasyPrint).

The PDF is made from the same HTML that is stored, so the two never disagree. WeasyPrint
fetches nothing from the network: only Lantern's own minutes stylesheet is served to it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import (
    URLFetcher,
    URLFetcherResponse,
)

from lantern.meetings.redaction import MeetingView
from lantern.meetings.types import meeting_type

STYLESHEET = "lantern/css/minutes.css"


def render_html(
    view: MeetingView,
    *,
    recipient: Any,
    version: int,
    issued_at: datetime,
    issued_by: str,
    correction_reason: str = "",
) -> str:
    kind = meeting_type(view.meeting.meeting_type)
    chair = view.meeting.chair
    return render_to_string(
        "meetings/minutes_document.html",
        {
            "view": view,
            "recipient": recipient,
            "version": version,
            "issued_at": issued_at,
            "issued_by": issued_by,
            "correction_reason": correction_reason,
            "type_label": kind.label if kind else view.meeting.meeting_type,
            "chair": chair.get_full_name() or chair.get_username(),
        },
    )


class _MinutesFetcher(URLFetcher):
    """Serves only the minutes stylesheet; refuses every other URL (no network, no files)."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        name = url.rsplit("/", 1)[-1]
        if name.startswith("minutes") and name.endswith(".css"):
            found = finders.find(STYLESHEET)
            if found:
                body = Path(str(found)).read_bytes()
                return URLFetcherResponse(
                    url, body=body, headers={"Content-Type": "text/css; charset=utf-8"}
                )
        raise ValueError(f"Minutes fetch nothing else: {url}")


def render_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url="https://lantern.invalid/", url_fetcher=_MinutesFetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def digest(html: str, pdf: bytes) -> str:
    return hashlib.sha256(html.encode("utf-8") + pdf).hexdigest()
