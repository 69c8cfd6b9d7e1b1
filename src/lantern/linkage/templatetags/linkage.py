"""Linkage sections other apps' pages include, each fed by one query in
:mod:`lantern.linkage.queries` (the query applies the access policy and audits the read)."""

from __future__ import annotations

from typing import Any

from django import template

from lantern.linkage import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def agency_records(context: dict[str, Any], person: Any) -> queries.PersonLinkage | None:
    """``{% agency_records person as linkage %}``: which agency's record says what."""
    actor = context.get("actor")
    if actor is None:
        return None
    return queries.person_linkage(actor, person)


@register.simple_tag(takes_context=True)
def referral_agency_matches(context: dict[str, Any], referral: Any) -> queries.MatchResult | None:
    """``{% referral_agency_matches referral as agency_matches %}``: the hub's panel of agency
    records that may be the referred person (nothing for anyone else)."""
    actor = context.get("actor")
    if actor is None:
        return None
    return queries.referral_matches(actor, referral)
