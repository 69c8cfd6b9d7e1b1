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
    ALERT = "alert", "Intelligence alert"
    API_TOKEN = "api_token", "API token"
    CASE = "case", "Case"
    CHART = "chart", "Link chart"
    CHRONOLOGY_ENTRY = "chronology_entry", "Chronology entry"
    DISRUPTION = "disruption", "Disruption activity"
    DISRUPTION_PLAN = "disruption_plan", "Disruption plan"
    EXPORT = "export", "Export"
    EXTRACT = "extract", "Agency extract"
    INSTRUMENT = "instrument", "Screening instrument"
    INTEL_ENTITY = "intel_entity", "Intelligence entity (person, place, vehicle, phone, handle)"
    INTEL_EXTRACT = "intel_extract", "Intelligence extract"
    INTEL_LINK = "intel_link", "Intelligence link"
    INSTRUMENT_VERSION = "instrument_version", "Screening instrument version"
    INVOLVEMENT = "involvement", "Agency involvement"
    LINKAGE = "linkage", "Record linkage"
    LINKAGE_MATCH = "linkage_match", "Record linkage match"
    LINKAGE_MODEL = "linkage_model", "Record linkage model"
    LINKAGE_PAIR = "linkage_pair", "Record linkage pair"
    LINKAGE_RUN = "linkage_run", "Record linkage run"
    MAPPING_PROFILE = "mapping_profile", "Mapping profile"
    MEMBERSHIP = "membership", "Membership"
    NETWORK = "network", "Intelligence network"
    PERSON = "person", "Person"
    PERSON_MERGE = "person_merge", "Merge of two people"
    PERSON_OF_CONCERN = "person_of_concern", "Person of concern"
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
    # --- long-term support, closure and the modern-slavery journey (issue 14) ---------
    CASE_CLOSURE = "case_closure", "Case closure"
    FOLLOW_UP = "follow_up", "Follow-up after closure"
    KEY_WORKER = "key_worker", "Key worker"
    SUPPORT_CONTACT = "support_contact", "Support contact"
    VOICE = "voice", "The person's own words"
    CONSENT = "consent", "Consent to share"
    OUTCOME_MEASURE = "outcome_measure", "Outcome measure"
    NRM_JOURNEY = "nrm_journey", "National Referral Mechanism journey"
    WORK_LIST = "work_list", "Work list"
    BOARD_FIGURES = "board_figures", "Board figures"
    BOARD_REPORT = "board_report", "Board report"
    RECOMMENDATION = "recommendation", "Review recommendation"
    DATA_QUALITY = "data_quality", "Data-quality report"
    ACTION = "action", "Action"
    MEETING = "meeting", "Meeting"
    AGENDA_ITEM = "agenda_item", "Meeting agenda item"
    MINUTES = "minutes", "Meeting minutes"
    PLAN = "plan", "Multi-agency plan"
    # --- understanding perpetrators and sharing learning (issue 15) ---------------------
    LEARNING_SET = "learning_set", "Anonymised perpetrator learning set"
    CASE_STUDY = "case_study", "Anonymised case study"
    LEARNING_PACK = "learning_pack", "Learning pack"
    ENQUIRY = "enquiry", "Adult safeguarding enquiry"


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
    ENQUIRY_CONCLUDED = (
        "enquiry.concluded",
        A.CREATE,
        T.ENQUIRY,
        "Recorded how an adult safeguarding enquiry concluded",
    )
    ENQUIRY_CONCLUSION_AMENDED = (
        "enquiry.conclusion_amended",
        A.CHANGE,
        T.ENQUIRY,
        "Amended an enquiry's conclusion (the earlier version kept)",
    )

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

    # --- intelligence -------------------------------------------------------------------
    INTEL_SEARCHED = "intel_entity.searched", A.SEARCH, T.INTEL_ENTITY, "Searched intelligence"
    INTEL_ENTITY_CREATED = (
        "intel_entity.created",
        A.CREATE,
        T.INTEL_ENTITY,
        "Recorded a person, place, vehicle, phone or handle",
    )
    INTEL_ENTITY_UPDATED = "intel_entity.updated", A.CHANGE, T.INTEL_ENTITY, "Changed an entity"
    INTEL_ENTITY_VIEWED = (
        "intel_entity.viewed",
        A.VIEW,
        T.INTEL_ENTITY,
        "Viewed a person of concern, place, vehicle, phone or handle",
    )
    INTEL_CONCERN_MARKED = (
        "person_of_concern.marked",
        A.CREATE,
        T.PERSON_OF_CONCERN,
        "Marked a person of concern",
    )
    INTEL_CONCERN_UPDATED = (
        "person_of_concern.updated",
        A.CHANGE,
        T.PERSON_OF_CONCERN,
        "Changed a person of concern's profile",
    )
    INTEL_CONCERN_ENDED = (
        "person_of_concern.ended",
        A.CHANGE,
        T.PERSON_OF_CONCERN,
        "Ended a person of concern marking",
    )
    INTEL_PROFILE_VIEWED = (
        "person_of_concern.profile_viewed",
        A.VIEW,
        T.PERSON_OF_CONCERN,
        "Viewed a person of concern's structured profile",
    )
    INTEL_PROFILE_UPDATED = (
        "person_of_concern.profile_updated",
        A.CHANGE,
        T.PERSON_OF_CONCERN,
        "Changed a person of concern's structured profile",
    )
    INTEL_EARLIER_CONTACT_ADDED = (
        "person_of_concern.earlier_contact_added",
        A.CREATE,
        T.PERSON_OF_CONCERN,
        "Recorded an earlier contact with services (a chance to intervene)",
    )
    INTEL_LINK_ADDED = "intel_link.added", A.CREATE, T.INTEL_LINK, "Recorded a link"
    INTEL_LINK_WITHDRAWN = "intel_link.withdrawn", A.CHANGE, T.INTEL_LINK, "Withdrew a link"
    INTEL_LINK_VIEWED = (
        "intel_link.viewed",
        A.VIEW,
        T.INTEL_LINK,
        "Viewed a link's evidence and grading",
    )
    INTEL_DISRUPTION_RECORDED = (
        "disruption.recorded",
        A.CREATE,
        T.DISRUPTION,
        "Recorded a disruption activity",
    )
    INTEL_DISRUPTION_PLAN_CREATED = (
        "disruption_plan.created",
        A.CREATE,
        T.DISRUPTION_PLAN,
        "Started a disruption plan",
    )
    INTEL_DISRUPTION_PLAN_CHANGED = (
        "disruption_plan.changed",
        A.CHANGE,
        T.DISRUPTION_PLAN,
        "Changed a disruption plan or its actions",
    )
    NETWORK_VIEWED = (
        "network.viewed",
        A.VIEW,
        T.NETWORK,
        "Viewed part of the network (what was shown is in the detail)",
    )
    NETWORK_EXPORTED = (
        "network.exported",
        A.EXPORT,
        T.NETWORK,
        "Exported part of the network (GraphML or i2 CSV)",
    )
    INTEL_CHART_SAVED = "chart.saved", A.CREATE, T.CHART, "Saved a link chart"
    INTEL_CHART_VIEWED = "chart.viewed", A.VIEW, T.CHART, "Opened a saved link chart"
    INTEL_EXTRACT_IMPORTED = (
        "intel_extract.imported",
        A.CREATE,
        T.INTEL_EXTRACT,
        "Loaded an intelligence extract",
    )
    ALERT_RAISED = "alert.raised", A.SYSTEM, T.ALERT, "An alert rule raised an alert"
    ALERT_RERAISED = (
        "alert.reraised",
        A.SYSTEM,
        T.ALERT,
        "An alert came back with new evidence",
    )
    ALERT_LAPSED = "alert.lapsed", A.SYSTEM, T.ALERT, "An alert no longer holds"
    ALERTS_RUN = "alert.run", A.SYSTEM, T.ALERT, "Evaluated the alert rules on the network"
    ALERT_LISTED = "alert.listed", A.SEARCH, T.ALERT, "Listed alerts"
    ALERT_VIEWED = "alert.viewed", A.VIEW, T.ALERT, "Viewed an alert and its explanation"
    ALERT_ACCEPTED = "alert.accepted", A.CHANGE, T.ALERT, "Accepted an alert"
    ALERT_DISMISSED = "alert.dismissed", A.CHANGE, T.ALERT, "Dismissed an alert"
    ALERTS_EXPORTED = "alert.exported", A.EXPORT, T.ALERT, "Exported the open alerts"

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

    # --- closure without abandonment (cases) ----------------------------------------------
    CASE_CLOSED = "case.closed", A.CHANGE, T.CASE_CLOSURE, "Closed a case with a step-down plan"
    CASE_REOPENED = "case.reopened", A.CHANGE, T.CASE, "Reopened a closed case"
    CASE_ACTIVITY_FLAGGED = (
        "case.activity_flagged",
        A.CHANGE,
        T.CASE,
        "Flagged new activity about a person whose case is closed",
    )
    CASE_ACTIVITY_ACKNOWLEDGED = (
        "case.activity_acknowledged",
        A.CHANGE,
        T.CASE,
        "Acknowledged new activity on a closed case",
    )
    FOLLOW_UP_RECORDED = (
        "follow_up.recorded",
        A.CHANGE,
        T.FOLLOW_UP,
        "Recorded a follow-up check-in after closure",
    )

    # --- long-term support (support) ------------------------------------------------------
    SUPPORT_VIEWED = "support.viewed", A.VIEW, T.PERSON, "Viewed a person's support history"
    KEY_WORKER_ASSIGNED = "key_worker.assigned", A.CHANGE, T.KEY_WORKER, "Assigned a key worker"
    SUPPORT_CONTACT_RECORDED = (
        "support_contact.recorded",
        A.CREATE,
        T.SUPPORT_CONTACT,
        "Recorded a contact with the person",
    )
    VOICE_RECORDED = "voice.recorded", A.CREATE, T.VOICE, "Recorded the person's own words"
    CONSENT_RECORDED = "consent.recorded", A.CREATE, T.CONSENT, "Recorded consent to share"
    CONSENT_WITHDRAWN = "consent.withdrawn", A.CHANGE, T.CONSENT, "Recorded consent withdrawn"
    OUTCOME_RECORDED = (
        "outcome_measure.recorded",
        A.CREATE,
        T.OUTCOME_MEASURE,
        "Recorded an outcome measure",
    )
    NRM_REFERRED = (
        "nrm.referred",
        A.CREATE,
        T.NRM_JOURNEY,
        "Recorded a National Referral Mechanism referral or notification",
    )
    NRM_DECISION_RECORDED = (
        "nrm.decision_recorded",
        A.CHANGE,
        T.NRM_JOURNEY,
        "Recorded a National Referral Mechanism decision",
    )
    WORK_LISTED = "work.listed", A.SEARCH, T.WORK_LIST, "Viewed their work list"
    CASELOADS_VIEWED = (
        "caseloads.viewed",
        A.SEARCH,
        T.WORK_LIST,
        "Viewed caseloads and contacts overdue",
    )
    SYNTHETIC_SUPPORT_BUILT = (
        "synth.support_built",
        A.SYSTEM,
        T.SYNTHETIC_DATA,
        "Built synthetic support histories",
    )

    # --- board reporting ----------------------------------------------------------------
    BOARD_FIGURES_VIEWED = (
        "board_figures.viewed",
        A.VIEW,
        T.BOARD_FIGURES,
        "Viewed the board's figures",
    )
    BOARD_FIGURES_REFRESHED = (
        "board_figures.refreshed",
        A.SYSTEM,
        T.BOARD_FIGURES,
        "Refreshed the board's figures",
    )
    BOARD_FIGURES_EXPORTED = (
        "board_figures.exported",
        A.EXPORT,
        T.BOARD_FIGURES,
        "Downloaded the board's figures",
    )
    BOARD_REPORT_VIEWED = "board_report.viewed", A.VIEW, T.BOARD_REPORT, "Viewed a board report"
    BOARD_REPORT_SAVED = (
        "board_report.saved",
        A.CHANGE,
        T.BOARD_REPORT,
        "Wrote a board report's narrative",
    )
    BOARD_REPORT_ISSUED = "board_report.issued", A.CHANGE, T.BOARD_REPORT, "Issued a board report"
    BOARD_REPORT_EXPORTED = (
        "board_report.exported",
        A.EXPORT,
        T.BOARD_REPORT,
        "Downloaded or exported a board report",
    )
    RECOMMENDATIONS_LISTED = (
        "recommendation.listed",
        A.SEARCH,
        T.RECOMMENDATION,
        "Opened the recommendation tracker",
    )
    RECOMMENDATION_CREATED = (
        "recommendation.created",
        A.CREATE,
        T.RECOMMENDATION,
        "Added a review recommendation",
    )
    RECOMMENDATION_CHANGED = (
        "recommendation.changed",
        A.CHANGE,
        T.RECOMMENDATION,
        "Updated a review recommendation",
    )
    DATA_QUALITY_VIEWED = (
        "data_quality.viewed",
        A.VIEW,
        T.DATA_QUALITY,
        "Viewed the data-quality report",
    )
    # --- the perpetrator learning set, case studies and learning packs -------------------
    LEARNING_SET_VIEWED = (
        "learning_set.viewed",
        A.VIEW,
        T.LEARNING_SET,
        "Viewed the perpetrator learning figures",
    )
    LEARNING_SET_EXPORTED = (
        "learning_set.exported",
        A.EXPORT,
        T.LEARNING_SET,
        "Downloaded the anonymised perpetrator learning set",
    )
    CASE_STUDIES_LISTED = (
        "case_study.listed",
        A.SEARCH,
        T.CASE_STUDY,
        "Listed case studies",
    )
    CASE_STUDY_VIEWED = "case_study.viewed", A.VIEW, T.CASE_STUDY, "Read a case study"
    CASE_STUDY_WRITTEN = "case_study.written", A.CREATE, T.CASE_STUDY, "Wrote a case study"
    CASE_STUDY_CHANGED = "case_study.changed", A.CHANGE, T.CASE_STUDY, "Changed a case study"
    CASE_STUDY_APPROVED = (
        "case_study.approved",
        A.CHANGE,
        T.CASE_STUDY,
        "Approved a case study for release",
    )
    LEARNING_PACK_EXPORTED = (
        "learning_pack.exported",
        A.EXPORT,
        T.LEARNING_PACK,
        "Exported a learning pack",
    )
    LEARNING_PACK_IMPORTED = (
        "learning_pack.imported",
        A.CREATE,
        T.LEARNING_PACK,
        "Imported another area's learning pack",
    )
    LEARNING_PACK_REMOVED = (
        "learning_pack.removed",
        A.CHANGE,
        T.LEARNING_PACK,
        "Removed another area's imported learning pack",
    )
    LEARNING_PACK_VIEWED = (
        "learning_pack.viewed",
        A.VIEW,
        T.LEARNING_PACK,
        "Compared another area's learning pack with ours",
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
