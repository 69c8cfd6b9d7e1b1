"""Service identities: background work acts as a named system service, never as nobody.

A job that nobody started by hand (the nightly screening job, a linkage run queued by an
import, the synthetic-data builder) acts as a :class:`Service`: a dedicated user with no
password and no membership, acting for the hub agency in one :class:`~lantern.core.access.Role`
chosen so that the access policy's rules apply to it exactly as they do to a person in that
role. Its reads and changes are checked by the same rules and audited under its name.

Each app declares the services it runs next to the work (``Service(...)`` at module level),
and calls :func:`service_actor` when the work starts. The user and the hub agency are domain
models, which ``core`` does not import: the accounts app registers the factory that builds
the actor (:func:`register_factory`, called from its ``AppConfig.ready``), just as each app
registers its access rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lantern.core.access import Actor, Role


@dataclass(frozen=True)
class Service:
    """A named system service and the role it acts in (for the hub agency)."""

    #: Stored as the service user's username; also what the audit log shows as "who".
    username: str
    #: The service's name in plain words, e.g. "Record linkage"; the user's display name.
    title: str
    role: Role
    #: Why it acts, in a few words; recorded as the purpose of its audit entries.
    purpose: str


ServiceActorFactory = Callable[[Service, str], Actor]

_FACTORY: list[ServiceActorFactory] = []
_SERVICES: dict[str, Service] = {}


def register_factory(factory: ServiceActorFactory) -> None:
    """Say how to build a service's actor (the accounts app does, at start-up)."""
    _FACTORY[:] = [factory]


def declare(service: Service) -> Service:
    """Register a service under its username (one role per service user)."""
    existing = _SERVICES.get(service.username)
    if existing is not None and existing != service:
        raise ValueError(f"Two services named {service.username}: {existing} and {service}")
    _SERVICES[service.username] = service
    return service


def services() -> list[Service]:
    """Every declared service, by username (for the documentation and the tests)."""
    return [_SERVICES[name] for name in sorted(_SERVICES)]


def service_actor(service: Service, *, channel: str = "task") -> Actor:
    """The actor a background job acts as: the service's user, for the hub, in its role.

    The user is created on first use (inactive, no usable password: nobody can sign in as
    it). Raises ``django.core.exceptions.ValidationError`` (code ``no_hub``) when there is no
    active hub agency to act for.
    """
    if not _FACTORY:
        raise LookupError("No service actor factory registered (is the accounts app installed?)")
    return _FACTORY[0](declare(service), channel)
