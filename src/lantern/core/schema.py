"""OpenAPI post-processing: what every paginated list can answer that its view does not say."""

from __future__ import annotations

from typing import Any

from lantern.core.problems import PROBLEM_CONTENT_TYPE

PAGE_NOT_FOUND = {
    "description": "No such page (past the last page, or not a page number)",
    "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def document_page_not_found(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A paginated list answers 404 (a problem) for a page that does not exist."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.get("parameters", [])
            if any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
                operation.setdefault("responses", {}).setdefault("404", PAGE_NOT_FOUND)
    return result
