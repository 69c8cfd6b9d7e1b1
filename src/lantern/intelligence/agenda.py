"""What intelligence proposes for a meeting's agenda (registered with
:func:`lantern.meetings.agenda.register_agenda_source` in ``IntelligenceConfig.ready``):

- **accepted alerts**: alerts an analyst accepted since the last meeting of the same type
  (or the type's look-back window when there was none; ``AgendaContext.since``), up to the
  meeting day;
- **persons of concern with new links**: active persons of concern whose entity gained a
  link (still held) recorded in the same window.

Each item is intelligence: the sources admit only agencies that may receive intelligence
(:func:`lantern.intelligence.access.agency_receives_intelligence`), so another agency's
minutes and a mixed room carry a notice instead. An item that rests on handling-code-C
intelligence is marked ``handling_c`` and is shown to the hub only. The proposal's words
never carry a link's detail (the places, vehicles or people on it, its source, its
grading): only the subject, the rule and counts by kind of entity.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from lantern.core.access import RestrictedCategory
from lantern.intelligence import terms
from lantern.intelligence.access import agency_receives_intelligence
from lantern.intelligence.models import Alert, AlertStatus, EntityKind, Link, PersonOfConcern
from lantern.meetings.agenda import AgendaContext, Proposal, register_agenda_source

KIND_WORDS: dict[str, tuple[str, str]] = {
    EntityKind.PERSON.value: ("person", "people"),
    EntityKind.LOCATION.value: ("place", "places"),
    EntityKind.VEHICLE.value: ("vehicle", "vehicles"),
    EntityKind.PHONE.value: ("phone number", "phone numbers"),
    EntityKind.HANDLE.value: ("online handle", "online handles"),
}


def _window(context: AgendaContext) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(context.since, time.min, tzinfo=zone)
    end = datetime.combine(context.meeting_day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _kind_label(kind: str) -> str:
    return KIND_WORDS.get(kind, (kind, kind))[0]


def accepted_alerts(context: AgendaContext) -> list[Proposal]:
    """Alerts accepted since the last meeting of this type, highest score first."""
    start, end = _window(context)
    alerts = (
        Alert.objects.filter(status=AlertStatus.ACCEPTED, decided_at__gte=start, decided_at__lt=end)
        .select_related("subject")
        .order_by("-score", "pk")
    )
    proposals = []
    for alert in alerts:
        subject = alert.subject
        started = (
            "started a referral"
            if alert.outcome_referral_id
            else "added to a case"
            if alert.outcome_case_id
            else "accepted"
        )
        proposals.append(
            Proposal(
                source="accepted_alerts",
                title=f"{subject.label} ({_kind_label(subject.kind)})",
                reason=(
                    f"Alert accepted on {alert.decided_at:%-d %b %Y} ({started}): "
                    f"{terms.rule_label(alert.rule)}"
                ),
                person_id=subject.person_id,
                restricted_category=(
                    RestrictedCategory.HANDLING_C if alert.involves_handling_c else ""
                ),
                ref=f"alert:{alert.pk}",
            )
        )
    return proposals


def concerns_with_new_links(context: AgendaContext) -> list[Proposal]:
    """Persons of concern whose entity gained links (still held) since the last meeting."""
    start, end = _window(context)
    concerns = dict(
        PersonOfConcern.objects.filter(ended_at__isnull=True).values_list("entity_id", "pk")
    )
    if not concerns:
        return []
    ids = list(concerns)
    links = Link.objects.filter(
        withdrawn_at__isnull=True, recorded_at__gte=start, recorded_at__lt=end
    ).filter(Q(from_entity_id__in=ids) | Q(to_entity_id__in=ids))
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    handling_c: set[int] = set()
    for from_id, to_id, from_kind, to_kind, handling in links.values_list(
        "from_entity_id", "to_entity_id", "from_entity__kind", "to_entity__kind", "handling"
    ):
        for concern_id, other_kind in ((from_id, to_kind), (to_id, from_kind)):
            if concern_id in concerns:
                kinds[concern_id][other_kind] += 1
                if handling == "C":
                    handling_c.add(concern_id)
    labels = dict(
        PersonOfConcern.objects.filter(entity_id__in=list(kinds)).values_list(
            "entity_id", "entity__label"
        )
    )
    proposals = []
    for entity_id, counts in sorted(kinds.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        total = sum(counts.values())
        parts = [
            f"{n} {KIND_WORDS.get(k, (k, k))[0 if n == 1 else 1]}"
            for k, n in sorted(counts.items())
        ]
        proposals.append(
            Proposal(
                source="concerns_new_links",
                title=f"{labels[entity_id]} (person of concern)",
                reason=(
                    f"{total} new link{'s' if total != 1 else ''} since "
                    f"{context.since:%-d %b %Y}: to {', '.join(parts)}"
                ),
                restricted_category=(
                    RestrictedCategory.HANDLING_C if entity_id in handling_c else ""
                ),
                ref=f"concern:{concerns[entity_id]}",
            )
        )
    return proposals


def register() -> None:
    register_agenda_source(
        "accepted_alerts",
        "Accepted alerts",
        accepted_alerts,
        scopes=("panel",),
        shown_to=agency_receives_intelligence,
    )
    register_agenda_source(
        "concerns_new_links",
        "Persons of concern with new links",
        concerns_with_new_links,
        scopes=("panel",),
        shown_to=agency_receives_intelligence,
    )
