"""The API's one pagination (``DEFAULT_PAGINATION_CLASS``).

Its own module, not :mod:`lantern.core.api`: DRF's generic views read the setting when
they are defined, which :mod:`lantern.core.api` does, so the class cannot live there.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from rest_framework import pagination
from rest_framework.request import Request


class PagePagination(pagination.PageNumberPagination):
    """DRF's page numbers, shaped ``count``, ``next``, ``previous``, ``results``.

    A list endpoint hands DRF its queryset. An endpoint whose query cuts the page itself,
    because it audits what is on that page (the chronology records the restricted entries a
    grant let through), hands over that page with :meth:`adopt`: the links, the response and
    its schema are the same.
    """

    def adopt(self, page: Page[Any], request: Request) -> list[Any]:
        self.page = page
        self.request = request
        return list(page.object_list)
