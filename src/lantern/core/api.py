"""The API's foundations, shared by every app: who is acting, error shapes, serializers.

Every person-data endpoint derives from :class:`ActorAPIView` or :class:`ActorListAPIView`,
which build ``self.actor`` once authentication has succeeded. How a request becomes an
:class:`~lantern.core.access.Actor` (an API token bound to one membership, or the browser
session's chosen membership) is the accounts app's business: the function named by the
``LANTERN_API_ACTOR`` setting. Views stay thin: parse input, call one service or query,
serialize.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lantern.core.access import Actor
from lantern.core.problems import PROBLEM_CONTENT_TYPE
from lantern.core.vocab import vocabulary


@cache
def _actor_resolver() -> Callable[[Request], Actor]:
    resolver: Callable[[Request], Actor] = import_string(settings.LANTERN_API_ACTOR)
    return resolver


def api_actor(request: Request) -> Actor:
    """The acting membership of an API request (see ``LANTERN_API_ACTOR``)."""
    return _actor_resolver()(request)


class ActorMixin:
    """Builds ``self.actor`` after authentication and permission checks."""

    actor: Actor

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self.actor = api_actor(request)

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["actor"] = getattr(self, "actor", None)
        return context


class ActorAPIView(ActorMixin, APIView):
    """Base of single-object and action endpoints."""

    permission_classes = [IsAuthenticated]

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self, "actor": getattr(self, "actor", None)}


class ActorListAPIView(ActorMixin, generics.ListAPIView):  # type: ignore[type-arg]
    """Base of paginated list endpoints: subclasses call one query in :meth:`query`.

    The query runs (and is audited) once per request, however often DRF asks for the
    queryset (the browsable API asks again to build its filter form).
    """

    permission_classes = [IsAuthenticated]
    _queried: QuerySet[Any] | None = None

    def query(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if self._queried is None:
            self._queried = self.query()
        return self._queried.all()


def query_text(request: Request, name: str, *, max_length: int = 200) -> str:
    """A free-text query parameter, refused (400 problem naming it) if too long."""
    value = str(request.query_params.get(name, "")).strip()
    if len(value) > max_length:
        raise exceptions.ValidationError({name: [f"Use no more than {max_length} characters"]})
    return value


def query_flag(request: Request, name: str) -> bool:
    """A true/false query parameter (absent: false); anything else is a 400 problem."""
    value = query_text(request, name, max_length=5).lower()
    if value not in {"", "true", "false", "1", "0", "yes", "no"}:
        raise exceptions.ValidationError({name: ["Use true or false"]})
    return value in {"true", "1", "yes"}


# --- shared serializers ---------------------------------------------------------------


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    """RFC 9457 problem details, as every error is returned."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    # Field names are the RFC's; they shadow serializer attributes only for the type checker.
    instance = serializers.CharField(required=False)  # type: ignore[assignment]
    errors = serializers.ListField(  # type: ignore[assignment]
        child=serializers.DictField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: one {field, message} per problem",
    )


def problems(*codes: int) -> dict[Any, Any]:
    """Problem-detail responses for ``extend_schema(responses=...)``."""
    descriptions = {
        400: "Invalid input: `errors` names each field",
        401: "No token, or the token is not valid",
        403: "Refused by the access policy (the refusal is audited)",
        404: "Not found",
        409: "Conflicts with what Lantern holds: the problem says what, and how to go on",
        422: "Understood, but a rule does not allow it: the problem says which",
    }
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProblemSerializer, description=descriptions.get(code, "")
        )
        for code in codes
    }


class AgencyRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


@extend_schema_field(OpenApiTypes.STR)
class UserNameField(serializers.Field):  # type: ignore[type-arg]
    """A practitioner as their full name (or username): who did something, not their account."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        if value is None:
            return ""
        full = value.get_full_name() if hasattr(value, "get_full_name") else ""
        return str(full or value.get_username())


class TermSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    hint = serializers.CharField(read_only=True)
    group = serializers.CharField(read_only=True)


class VocabularySerializer(serializers.Serializer[Any]):
    """A local area's list of codes, versioned; send the ``code`` values back to the API."""

    vocabulary = serializers.CharField(source="name", read_only=True)
    version = serializers.CharField(read_only=True)
    terms = TermSerializer(many=True, read_only=True)


class VocabularyView(APIView):
    """Base of the vocabulary endpoints: any signed-in user or token may read them."""

    permission_classes = [IsAuthenticated]
    app: ClassVar[str]
    vocabulary_name: ClassVar[str]
    serializer_class: ClassVar[type[serializers.BaseSerializer[Any]]] = VocabularySerializer

    def get(self, request: Request) -> Response:
        return Response(self.serializer_class(vocabulary(self.app, self.vocabulary_name)).data)
