"""The audit log's vocabulary: what kinds of object there are, and what can happen to them.

:class:`ObjectType` is the one registry of object types named in the audit log (and in
refusals). :class:`Event` names each thing that can happen, ``object.verb_past``
(``person.viewed``, ``triage.decided``); each event carries its :class:`AuditAction` verb,
its object type and a plain-English label, so :func:`lantern.core.audit.record` needs only
the event and the log reads as a list of named happenings rather than free text.

Adding an event is adding a member here; the value is stored in ``AuditEvent.event`` and
must never change once written (the hash chain covers it).
"""

from __future__ import annotations

import enum

from django.db import models

from lantern.core.models import AuditAction


class ObjectType(models.TextChoices):
    """Every kind of object the audit log (or a refusal) names."""

    AGENCY = "agency", "Agency"
    API_TOKEN = "api_token", "API token"
    CASE = "case", "Case"
    CHRONOLOGY_ENTRY = "chronology_entry", "Chronology entry"
    EXPORT = "export", "Export"
    EXTRACT = "extract", "Agency extract"
    INSTRUMENT = "instrument", "Screening instrument"
    INSTRUMENT_VERSION = "instrument_version", "Screening instrument version"
    INVOLVEMENT = "involvement", "Agency involvement"
    LINKAGE = "linkage", "Record linkage"
    LINKAGE_MATCH = "linkage_match", "Record linkage match"
    LINKAGE_MODEL = "linkage_model", "Record linkage model"
    LINKAGE_PAIR = "linkage_pair", "Record linkage pair"
    LINKAGE_RUN = "linkage_run", "Record linkage run"
    MAPPING_PROFILE = "mapping_profile", "Mapping profile"
    MEMBERSHIP = "membership", "Membership"
    PERSON = "person", "Person"
    PERSON_MERGE = "person_merge", "Merge of two people"
    QUARANTINED_ROW = "quarantined_row", "Quarantined row"
    REFERRAL = "referral", "Referral"
    RESTRICTED_ACCESS_GRANT = "restricted_access_grant", "Restricted access grant"
    SCREENING = "screening", "Screening"
    SCREENING_STATUS = "screening_status", "Screening status"
    SECOND_FACTOR = "second_factor", "Second factor"
    SOURCE_RECORD = "source_record", "Agency record"
    SYNTHETIC_DATA = "synthetic_data", "Synthetic data"
    TRANSITION = "transition", "Transition at 18"
    USER = "user", "User"
    ACTION = "action", "Action"
    MEETING = "meeting", "Meeting"
    AGENDA_ITEM = "agenda_item", "Meeting agenda item"
    MINUTES = "minutes", "Meeting minutes"
    PLAN = "plan", "Multi-agency plan"


A, T = AuditAction, ObjectType


class Event(enum.StrEnum):
    """A named happening: ``value`` is stored; ``action``, ``object_type`` and ``label`` come
    with it. An event whose object type is ``None`` (only ``access.refused``) takes the
    object type of whatever was refused."""

    action: AuditAction
    object_type: ObjectType | None
    label: str

    def __new__(
        cls, value: str, action: AuditAction, object_type: ObjectType | None, label: str
    ) -> Event:
        member = str.__new__(cls, value)
        member._value_ = value
        member.action = action
        member.object_type = object_type
        member.label = label
        return member

    # --- signing in and acting as -----------------------------------------------------
    USER_SIGNED_IN = "user.signed_in", A.LOGIN, T.USER, "Signed in"
    USER_SIGN_IN_FAILED = "user.sign_in_failed", A.LOGIN_FAILED, T.USER, "Failed to sign in"
    USER_SIGNED_OUT = "user.signed_out", A.LOGOUT, T.USER, "Signed out"
    SECOND_FACTOR_CONFIRMED = (
        "second_factor.confirmed",
        A.LOGIN,
        T.SECOND_FACTOR,
        "Confirmed a second factor",
    )
    ROLE_CHOSEN = "membership.chosen", A.LOGIN, T.MEMBERSHIP, "Chose the role to act as"
    ACCESS_REFUSED = "access.refused", A.REFUSED, None, "Was refused access"

    # --- administration -----------------------------------------------------------------
    TOKEN_ISSUED = "token.issued", A.CREATE, T.API_TOKEN, "Issued an API token"
    TOKEN_REVOKED = "token.revoked", A.CHANGE, T.API_TOKEN, "Revoked an API token"
    MEMBERSHIP_CREATED = "membership.created", A.CREATE, T.MEMBERSHIP, "Gave a user a role"
    MEMBERSHIP_CHANGED = "membership.changed", A.CHANGE, T.MEMBERSHIP, "Changed a user's role"
    MEMBERSHIP_REMOVED = "membership.removed", A.CHANGE, T.MEMBERSHIP, "Removed a user's role"
    RESTRICTED_CATEGORIES_CHANGED = (
        "membership.restricted_categories_changed",
        A.CHANGE,
        T.MEMBERSHIP,
        "Changed which restricted categories a role may read",
    )

    # --- people ---------------------------------------------------------------------------
    PERSON_SEARCHED = "person.searched", A.SEARCH, T.PERSON, "Searched for people"
    PERSON_DUPLICATES_CHECKED = (
        "person.duplicates_checked",
        A.SEARCH,
        T.PERSON,
        "Checked for an existing record",
    )
    PERSON_VIEWED = "person.viewed", A.VIEW, T.PERSON, "Viewed the record"
    PERSON_CREATED = "person.created", A.CREATE, T.PERSON, "Created the record"
    PERSON_RECORDS_WITHDRAWN = (
        "person.records_withdrawn",
        A.SYSTEM,
        T.PERSON,
        "Agency records were withdrawn from the record",
    )
    INVOLVEMENT_STARTED = (
        "involvement.started",
        A.CHANGE,
        T.INVOLVEMENT,
        "Recorded an agency's involvement",
    )
    INVOLVEMENT_ENDED = (
        "involvement.ended",
        A.CHANGE,
        T.INVOLVEMENT,
        "Ended an agency's involvement",
    )
    EXPORT_DOWNLOADED = "export.downloaded", A.EXPORT, T.EXPORT, "Downloaded an export"

    # --- referrals and triage -------------------------------------------------------------
    REFERRAL_QUEUE_LISTED = "referral.queue_listed", A.SEARCH, T.REFERRAL, "Opened the triage queue"
    REFERRAL_LISTED = "referral.listed", A.SEARCH, T.REFERRAL, "Listed referrals"
    REFERRAL_VIEWED = "referral.viewed", A.VIEW, T.REFERRAL, "Viewed a referral"
    REFERRAL_SUBMITTED = "referral.submitted", A.CREATE, T.REFERRAL, "Submitted a referral"
    TRIAGE_DECIDED = "triage.decided", A.CHANGE, T.REFERRAL, "Decided a referral at triage"

    # --- cases and chronology -------------------------------------------------------------
    CASE_LISTED = "case.listed", A.SEARCH, T.CASE, "Listed cases"
    CASE_VIEWED = "case.viewed", A.VIEW, T.CASE, "Viewed a case"
    CASE_OPENED = "case.opened", A.CREATE, T.CASE, "Opened a case"
    CASE_REFERRAL_JOINED = (
        "case.referral_joined",
        A.CHANGE,
        T.CASE,
        "Added a referral to an open case",
    )
    CASE_AGENCY_JOINED = "case.agency_joined", A.CHANGE, T.CASE, "Added an agency to a case"
    CASE_UPDATED = "case.updated", A.CHANGE, T.CASE, "Updated a case"
    CHRONOLOGY_ENTRY_VIEWED = (
        "chronology.entry_viewed",
        A.VIEW,
        T.CHRONOLOGY_ENTRY,
        "Viewed a chronology entry",
    )
    CHRONOLOGY_ENTRY_ADDED = (
        "chronology.entry_added",
        A.CREATE,
        T.CHRONOLOGY_ENTRY,
        "Added to the chronology",
    )
    CHRONOLOGY_ENTRY_CORRECTED = (
        "chronology.entry_corrected",
        A.CHANGE,
        T.CHRONOLOGY_ENTRY,
        "Corrected a chronology entry",
    )
    RESTRICTED_ACCESS_REQUESTED = (
        "restricted_access.requested",
        A.CREATE,
        T.RESTRICTED_ACCESS_GRANT,
        "Asked to read restricted information",
    )
    RESTRICTED_ACCESS_APPROVED = (
        "restricted_access.approved",
        A.CHANGE,
        T.RESTRICTED_ACCESS_GRANT,
        "Approved a request to read restricted information",
    )
    RESTRICTED_ACCESS_REFUSED = (
        "restricted_access.refused",
        A.CHANGE,
        T.RESTRICTED_ACCESS_GRANT,
        "Refused a request to read restricted information",
    )
    RESTRICTED_ACCESS_USED = (
        "restricted_access.used",
        A.VIEW,
        T.RESTRICTED_ACCESS_GRANT,
        "Read restricted information under a grant",
    )
    BREAK_GLASS_USED = (
        "break_glass.used",
        A.VIEW,
        T.RESTRICTED_ACCESS_GRANT,
        "Used emergency access to restricted information",
    )
    BREAK_GLASS_REVIEWED = (
        "break_glass.reviewed",
        A.CHANGE,
        T.RESTRICTED_ACCESS_GRANT,
        "Reviewed emergency access to restricted information",
    )
    RESTRICTED_ACCESS_LISTED = (
        "restricted_access.listed",
        A.SEARCH,
        T.RESTRICTED_ACCESS_GRANT,
        "Listed requests for restricted access",
    )
    RESTRICTED_ACCESS_VIEWED = (
        "restricted_access.viewed",
        A.VIEW,
        T.RESTRICTED_ACCESS_GRANT,
        "Viewed a request for restricted access",
    )

    # --- screening --------------------------------------------------------------------------
    SCREENING_VIEWED = "screening.viewed", A.VIEW, T.SCREENING, "Viewed a screening"
    SCREENING_HISTORY_VIEWED = (
        "screening.history_viewed",
        A.VIEW,
        T.PERSON,
        "Viewed the screening history",
    )
    SCREENING_SUGGESTIONS_VIEWED = (
        "screening.suggestions_viewed",
        A.VIEW,
        T.PERSON,
        "Started a screening (saw the suggestions)",
    )
    SCREENING_RECORDED = "screening.recorded", A.CREATE, T.SCREENING, "Recorded a screening"
    SCREENINGS_DUE_LISTED = (
        "screening.due_listed",
        A.SEARCH,
        T.SCREENING_STATUS,
        "Listed screenings due",
    )
    SCREENING_NIGHTLY_FINISHED = (
        "screening.nightly_finished",
        A.SYSTEM,
        T.SCREENING_STATUS,
        "Recomputed screenings due and transitions at 18",
    )
    TRANSITIONS_LISTED = "transition.listed", A.SEARCH, T.TRANSITION, "Listed transitions at 18"
    INSTRUMENT_LOADED = (
        "instrument.loaded",
        A.CREATE,
        T.INSTRUMENT_VERSION,
        "Loaded a screening instrument",
    )

    # --- imports --------------------------------------------------------------------------
    MAPPING_PROFILE_LOADED = (
        "mapping_profile.loaded",
        A.CREATE,
        T.MAPPING_PROFILE,
        "Loaded a mapping profile",
    )
    EXTRACT_LISTED = "extract.listed", A.SEARCH, T.EXTRACT, "Listed agency extracts"
    EXTRACT_VIEWED = "extract.viewed", A.VIEW, T.EXTRACT, "Viewed an agency extract"
    EXTRACT_RECORDS_VIEWED = (
        "extract.records_viewed",
        A.VIEW,
        T.EXTRACT,
        "Viewed the records an extract supplied",
    )
    EXTRACT_UPLOADED = "extract.uploaded", A.CREATE, T.EXTRACT, "Uploaded an agency extract"
    EXTRACT_IMPORTED = "extract.imported", A.SYSTEM, T.EXTRACT, "Imported an agency extract"
    EXTRACT_IMPORT_FAILED = (
        "extract.import_failed",
        A.SYSTEM,
        T.EXTRACT,
        "Failed to import an agency extract",
    )
    EXTRACT_WITHDRAWN = "extract.withdrawn", A.CHANGE, T.EXTRACT, "Withdrew an agency extract"
    QUARANTINE_LISTED = (
        "quarantine.listed",
        A.VIEW,
        T.EXTRACT,
        "Viewed an extract's quarantined rows",
    )
    QUARANTINE_ROW_VIEWED = (
        "quarantine.row_viewed",
        A.VIEW,
        T.QUARANTINED_ROW,
        "Viewed a quarantined row",
    )
    QUARANTINE_ROW_FIXED = (
        "quarantine.row_fixed",
        A.CHANGE,
        T.QUARANTINED_ROW,
        "Fixed and imported a quarantined row",
    )
    QUARANTINE_ROW_DISCARDED = (
        "quarantine.row_discarded",
        A.CHANGE,
        T.QUARANTINED_ROW,
        "Discarded a quarantined row",
    )
    SOURCE_RECORD_VIEWED = (
        "source_record.viewed",
        A.VIEW,
        T.SOURCE_RECORD,
        "Viewed an agency record",
    )

    # --- record linkage -------------------------------------------------------------------
    LINKAGE_OVERVIEW_VIEWED = (
        "linkage.overview_viewed",
        A.VIEW,
        T.LINKAGE,
        "Viewed the record linkage overview",
    )
    LINKAGE_MATCHES_SEARCHED = (
        "linkage.matches_searched",
        A.SEARCH,
        T.LINKAGE_MATCH,
        "Searched for matching records",
    )
    PERSON_AGENCY_RECORDS_VIEWED = (
        "linkage.person_records_viewed",
        A.VIEW,
        T.SOURCE_RECORD,
        "Viewed the agency records linked to the person",
    )
    LINKAGE_RECORDS_ATTACHED = (
        "linkage.records_attached",
        A.CHANGE,
        T.PERSON,
        "Linked agency records to the person",
    )
    PAIR_LISTED = "pair.listed", A.SEARCH, T.LINKAGE_PAIR, "Opened the linkage review queue"
    PAIR_VIEWED = "pair.viewed", A.VIEW, T.LINKAGE_PAIR, "Viewed a pair of records for review"
    PAIR_CLAIMED = "pair.claimed", A.CHANGE, T.LINKAGE_PAIR, "Claimed a pair for review"
    PAIR_RELEASED = "pair.released", A.CHANGE, T.LINKAGE_PAIR, "Released a pair under review"
    PAIR_DECIDED = "pair.decided", A.CHANGE, T.LINKAGE_PAIR, "Decided whether two records match"
    MERGE_VIEWED = "merge.viewed", A.VIEW, T.PERSON_MERGE, "Viewed a merge of two people"
    PEOPLE_MERGED = "people.merged", A.CHANGE, T.PERSON, "Merged two records of one person"
    PEOPLE_UNMERGED = "people.unmerged", A.CHANGE, T.PERSON, "Undid a merge of two records"
    LINKAGE_MODEL_LISTED = (
        "linkage_model.listed",
        A.SEARCH,
        T.LINKAGE_MODEL,
        "Listed record linkage models",
    )
    LINKAGE_MODEL_VIEWED = (
        "linkage_model.viewed",
        A.VIEW,
        T.LINKAGE_MODEL,
        "Viewed a record linkage model",
    )
    LINKAGE_MODEL_TRAINED = (
        "linkage_model.trained",
        A.CREATE,
        T.LINKAGE_MODEL,
        "Trained a record linkage model",
    )
    LINKAGE_MODEL_REESTIMATED = (
        "linkage_model.reestimated",
        A.CREATE,
        T.LINKAGE_MODEL,
        "Re-estimated a record linkage model from reviewers' decisions",
    )
    LINKAGE_THRESHOLDS_SET = (
        "linkage_model.thresholds_set",
        A.CHANGE,
        T.LINKAGE_MODEL,
        "Set a linkage model's thresholds",
    )
    LINKAGE_RUN_LISTED = "linkage_run.listed", A.SEARCH, T.LINKAGE_RUN, "Listed linkage runs"
    LINKAGE_RUN_VIEWED = "linkage_run.viewed", A.VIEW, T.LINKAGE_RUN, "Viewed a linkage run"
    LINKAGE_RUN_STARTED = "linkage_run.started", A.CREATE, T.LINKAGE_RUN, "Started a linkage run"
    LINKAGE_RUN_QUEUED = (
        "linkage_run.queued",
        A.SYSTEM,
        T.LINKAGE_RUN,
        "Queued a linkage run after an import",
    )
    LINKAGE_RUN_FINISHED = (
        "linkage_run.finished",
        A.SYSTEM,
        T.LINKAGE_RUN,
        "Finished a linkage run",
    )

    # --- synthetic data -------------------------------------------------------------------
    SYNTHETIC_CITY_BUILT = (
        "synth.city_built",
        A.SYSTEM,
        T.SYNTHETIC_DATA,
        "Built the synthetic city",
    )
    SYNTHETIC_SCREENINGS_BUILT = (
        "synth.screenings_built",
        A.SYSTEM,
        T.SYNTHETIC_DATA,
        "Built synthetic screenings",
    )

    # --- actions ----------------------------------------------------------------------------
    ACTION_CREATED = "action.created", A.CREATE, T.ACTION, "Set an action"
    ACTION_UPDATED = "action.updated", A.CHANGE, T.ACTION, "Updated an action"
    ACTION_CLOSED = "action.closed", A.CHANGE, T.ACTION, "Closed an action with its outcome"
    ACTION_VIEWED = "action.viewed", A.VIEW, T.ACTION, "Viewed an action"
    ACTIONS_LISTED = "action.listed", A.SEARCH, T.ACTION, "Listed actions"
    ACTIONS_OVERDUE_LISTED = (
        "action.overdue_listed",
        A.SEARCH,
        T.ACTION,
        "Listed overdue actions by agency",
    )
    ACTION_CHASED = "action.chased", A.CHANGE, T.ACTION, "Chased an agency about an action"

    # --- meetings and minutes -----------------------------------------------------------------
    MEETING_SCHEDULED = "meeting.scheduled", A.CREATE, T.MEETING, "Scheduled a meeting"
    MEETING_LISTED = "meeting.listed", A.SEARCH, T.MEETING, "Listed meetings"
    MEETING_VIEWED = "meeting.viewed", A.VIEW, T.MEETING, "Viewed a meeting's record"
    MEETING_AGENDA_PROPOSED = (
        "meeting.agenda_proposed",
        A.SEARCH,
        T.MEETING,
        "Had Lantern propose a meeting's agenda",
    )
    MEETING_AGENDA_SET = "meeting.agenda_set", A.CHANGE, T.MEETING, "Set a meeting's agenda"
    MEETING_ATTENDANCE_RECORDED = (
        "meeting.attendance_recorded",
        A.CHANGE,
        T.MEETING,
        "Recorded attendance and apologies",
    )
    MEETING_ROOM_VIEWED = (
        "meeting.room_viewed",
        A.VIEW,
        T.MEETING,
        "Opened a meeting's room view (restricted material withheld)",
    )
    AGENDA_ITEM_RECORDED = (
        "agenda_item.recorded",
        A.CHANGE,
        T.AGENDA_ITEM,
        "Recorded an agenda item's information and decisions",
    )
    MINUTES_ISSUED = "minutes.issued", A.CREATE, T.MINUTES, "Issued minutes to an agency"
    MINUTES_VIEWED = "minutes.viewed", A.VIEW, T.MINUTES, "Read issued minutes"
    MINUTES_DOWNLOADED = "minutes.downloaded", A.EXPORT, T.MINUTES, "Downloaded minutes as PDF"

    # --- multi-agency plans -------------------------------------------------------------------
    PLAN_CREATED = "plan.created", A.CREATE, T.PLAN, "Wrote a multi-agency plan"
    PLAN_REVIEWED = "plan.reviewed", A.CHANGE, T.PLAN, "Reviewed a multi-agency plan"
    PLAN_VIEWED = "plan.viewed", A.VIEW, T.PLAN, "Viewed a multi-agency plan"


EVENTS_PREAMBLE = """# Audit events

This file is generated from `lantern.core.events` (`lantern audit events --out
docs/audit-events.md`); a test fails when it is out of date. Every entry of the audit log
names one of these events; entries written before events were named have none and are
shown by their action. `access.refused` takes the object type of what was refused.

"""


def events_markdown() -> str:
    """Every event as a Markdown table: its name, action, object type and label."""
    lines = ["| event | action | object type | what it says |", "| --- | --- | --- | --- |"]
    for event in Event:
        kind = event.object_type.value if event.object_type else "(what was refused)"
        lines.append(f"| `{event.value}` | {event.action.value} | {kind} | {event.label} |")
    lines += ["", "Object types:", ""]
    lines += [f"- `{kind.value}` – {kind.label}" for kind in ObjectType]
    return EVENTS_PREAMBLE + "\n".join(lines) + "\n"


def label_of(value: str) -> str:
    """The plain-English label of a stored event value ("" for entries written before events
    were named, or an unknown value, which is shown as it is)."""
    if not value:
        return ""
    event = _BY_VALUE.get(value)
    return event.label if event else value


_BY_VALUE: dict[str, Event] = {event.value: event for event in Event}
