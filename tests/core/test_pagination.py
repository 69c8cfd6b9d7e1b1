"""A page a query has already cut answers in the same shape as DRF's own pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from lantern.core.pagination import PagePagination


def test_an_adopted_page_has_the_list_shape_and_links() -> None:
    request = Request(APIRequestFactory().get("/api/things/", {"page": 2, "q": "x"}))
    page = Paginator(list(range(250)), 100).get_page(2)

    paginator = PagePagination()
    items = paginator.adopt(page, request)
    body = paginator.get_paginated_response(items).data

    assert items == list(range(100, 200))
    assert body["count"] == 250
    assert body["next"] == "http://testserver/api/things/?page=3&q=x"
    assert body["previous"] == "http://testserver/api/things/?q=x"
    assert list(body) == ["count", "next", "previous", "results"]
