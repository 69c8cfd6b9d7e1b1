"""Who may see the board's figures, reports, recommendations and the data-quality report.

Nothing reporting shows names a person: figures are counts, suppressed before they leave
the hub. Board members and managers (of any agency) read them; the hub's managers write the
quarterly report's narrative, issue it and keep the recommendation tracker; the
data-quality report is internal to the hub's managers.
"""

from __future__ import annotations

from lantern.core import access
from lantern.core.access import ANY, CHANGE, HUB, OTHER, READ, REFUSED, Actor, Role
from lantern.core.system import Service

#: The background refresh of the board's figures acts as this service (a hub analyst).
REPORTING_SERVICE = Service(
    username="lantern-reporting",
    title="Board reporting",
    role=Role.ANALYST,
    purpose="refresh the board's figures",
)

#: The ``lantern board`` command's exports and the example recommendations act as this one.
BOARD_COMMAND_SERVICE = Service(
    username="lantern-board",
    title="Board reporting command",
    role=Role.MANAGER,
    purpose="export board reports and load recommendations",
)

BOARD_READERS = frozenset({Role.BOARD, Role.MANAGER})


@access.rule("board figures", "read", relations=(ANY,))
def board_figures_read(role: str, relation: str) -> access.Decision:
    """Board members and managers read the suppressed figures; nobody else needs them."""
    return READ if role in BOARD_READERS else REFUSED


@access.rule("board figures", "refresh", relations=(HUB, OTHER))
def board_figures_refresh(role: str, relation: str) -> access.Decision:
    """Refreshing the figures: the hub's managers and analysts (and the reporting service)."""
    return CHANGE if relation == HUB and role in (Role.MANAGER, Role.ANALYST) else REFUSED


@access.rule("board report", "read", relations=(ANY,))
def board_report_read(role: str, relation: str) -> access.Decision:
    """Quarterly board reports, as issued or in draft: board members and managers."""
    return READ if role in BOARD_READERS else REFUSED


@access.rule("board report", "write, issue", relations=(HUB, OTHER))
def board_report_write(role: str, relation: str) -> access.Decision:
    """The hub manager writes the narrative and issues the report."""
    return CHANGE if relation == HUB and role == Role.MANAGER else REFUSED


@access.rule("recommendation", "read", relations=(ANY,))
def recommendation_read(role: str, relation: str) -> access.Decision:
    """The recommendation tracker: board members and managers."""
    return READ if role in BOARD_READERS else REFUSED


@access.rule("recommendation", "change", relations=(HUB, OTHER))
def recommendation_change(role: str, relation: str) -> access.Decision:
    """The hub manager keeps the tracker up to date."""
    return CHANGE if relation == HUB and role == Role.MANAGER else REFUSED


@access.rule("data quality", "read", relations=(HUB, OTHER))
def data_quality_read(role: str, relation: str) -> access.Decision:
    """Counts of work to fix, inside the hub: its managers."""
    return READ if relation == HUB and role == Role.MANAGER else REFUSED


def _refusal(actor: Actor, what: str) -> str:
    if actor.role == Role.ADMINISTRATOR:
        return access.refusal_text(actor, what)
    return f"Your role ({actor.role_label}, {actor.agency.name}) cannot {what}."


def require(actor: Actor, rule: access.RuleFunction, what: str, object_type: str) -> None:
    """Refuse (audited) unless ``rule`` allows this actor, acting as it stands."""
    access.refuse_unless(
        actor, access.may(rule, actor), _refusal(actor, what), object_type=object_type
    )


def may_read_figures(actor: Actor) -> bool:
    return access.may(board_figures_read, actor)


def may_write_reports(actor: Actor) -> bool:
    return access.may(board_report_write, actor)


def may_change_recommendations(actor: Actor) -> bool:
    return access.may(recommendation_change, actor)


def may_read_data_quality(actor: Actor) -> bool:
    return access.may(data_quality_read, actor)
