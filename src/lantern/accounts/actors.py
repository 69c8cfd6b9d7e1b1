"""Building the :class:`~lantern.core.access.Actor` for a request, a token or the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from lantern.agencies.models import Agency, AgencyKind, Membership
from lantern.core.access import Actor
from lantern.core.system import Service

SESSION_KEY = "lantern_membership_id"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def actor_for_membership(
    membership: Membership,
    *,
    channel: str = "web",
    ip_address: str | None = None,
    request_id: str = "",
) -> Actor:
    return Actor(
        user=membership.user,
        agency=membership.agency,
        role=membership.role,
        membership_id=membership.pk,
        restricted_categories=frozenset(membership.restricted_categories or []),
        channel=channel,
        ip_address=ip_address,
        request_id=request_id,
    )


def active_memberships(user: Any) -> list[Membership]:
    return list(
        Membership.objects.select_related("agency", "user")
        .filter(user=user, is_active=True, agency__is_active=True)
        .order_by("agency__name", "role")
    )


def actor_for_request(request: HttpRequest) -> Actor | None:
    """The actor of a signed-in browser session, or ``None`` until a membership is chosen."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = active_memberships(user)
    chosen = request.session.get(SESSION_KEY)
    membership = next((m for m in memberships if m.pk == chosen), None)
    if membership is None and len(memberships) == 1:
        membership = memberships[0]
        request.session[SESSION_KEY] = membership.pk
    if membership is None:
        return None
    return actor_for_membership(
        membership,
        channel="web",
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", ""),
    )


class NoSuchActorError(LookupError):
    """A command named nobody, or someone with no active membership (the message says which)."""


def actor_for_username(
    username: str, *, prefer: Callable[[Actor], bool], who: str = "a hub analyst or manager"
) -> Actor:
    """The actor a command runs as (``--as USERNAME``), on the command line channel.

    Where the user has several memberships, the first that ``prefer`` allows; otherwise the
    first, so that the refusal the service then audits is that membership's.
    """
    if not username:
        raise NoSuchActorError(f"Say who is acting: --as USERNAME ({who}).")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NoSuchActorError(f"No active user is called {username}.")
    memberships = active_memberships(user)
    if not memberships:
        raise NoSuchActorError(f"{username} has no active membership of any agency.")
    actors = [actor_for_membership(m, channel="cli") for m in memberships]
    return next((a for a in actors if prefer(a)), actors[0])


def service_actor_for(service: Service, channel: str) -> Actor:
    """A system service's actor (see :mod:`lantern.core.system`): its own user, created on
    first use with no usable password and inactive (nobody can sign in as it), acting for the
    hub agency in the service's role, with no membership and no restricted categories."""
    hub = Agency.objects.filter(kind=AgencyKind.HUB, is_active=True).order_by("pk").first()
    if hub is None:
        msg = f"There is no active hub agency for {service.title.lower()} to act for."
        raise ValidationError(msg, code="no_hub")
    first, _, last = service.title.partition(" ")
    user, created = get_user_model().objects.get_or_create(
        username=service.username,
        defaults={"first_name": first, "last_name": last, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return Actor(user=user, agency=hub, role=service.role, channel=channel)
