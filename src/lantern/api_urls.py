"""The REST API, mounted at ``/api/``. URL names start with ``api-`` and are stable."""

from django.urls import URLPattern, path

from lantern.accounts import api as accounts_api
from lantern.actions import api as actions_api
from lantern.cases import api as cases_api
from lantern.imports import api as imports_api
from lantern.intelligence import api as intel_api
from lantern.learning import api as learning_api
from lantern.linkage import api as linkage_api
from lantern.meetings import api as meetings_api
from lantern.people import api as people_api
from lantern.referrals import api as referrals_api
from lantern.reporting import api as reporting_api
from lantern.screening import api as screening_api
from lantern.support import api as support_api

urlpatterns: list[URLPattern] = [
    path("schema/", accounts_api.SchemaView.as_view(), name="api-schema"),
    path("docs/", accounts_api.DocsView.as_view(), name="api-docs"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("people/", people_api.PersonSearchView.as_view(), name="api-person-search"),
    path(
        "people/duplicates/",
        people_api.DuplicateCheckView.as_view(),
        name="api-person-duplicates",
    ),
    path("people/<int:pk>/", people_api.PersonDetailView.as_view(), name="api-person-detail"),
    path("referrals/", referrals_api.ReferralListView.as_view(), name="api-referral-list"),
    path(
        "referrals/<int:pk>/",
        referrals_api.ReferralDetailView.as_view(),
        name="api-referral-detail",
    ),
    path(
        "referrals/<int:pk>/decision/",
        referrals_api.DecisionView.as_view(),
        name="api-referral-decision",
    ),
    path(
        "referrals/<int:pk>/conclusion/",
        referrals_api.ConclusionView.as_view(),
        name="api-referral-conclusion",
    ),
    path("triage/", referrals_api.TriageQueueView.as_view(), name="api-triage"),
    path("cases/", cases_api.CaseListView.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", cases_api.CaseDetailView.as_view(), name="api-case-detail"),
    path(
        "cases/<int:pk>/chronology/",
        cases_api.CaseChronologyView.as_view(),
        name="api-case-chronology",
    ),
    path(
        "chronology/<int:pk>/",
        cases_api.ChronologyEntryView.as_view(),
        name="api-chronology-entry",
    ),
    path(
        "chronology/<int:pk>/amend/",
        cases_api.ChronologyAmendView.as_view(),
        name="api-chronology-amend",
    ),
    path("event-types/", cases_api.EventTypesView.as_view(), name="api-event-types"),
    path(
        "concern-categories/",
        referrals_api.ConcernCategoriesView.as_view(),
        name="api-concern-categories",
    ),
    path(
        "imports/extracts/",
        imports_api.ExtractListView.as_view(),
        name="api-import-extract-list",
    ),
    path(
        "imports/extracts/<int:pk>/",
        imports_api.ExtractDetailView.as_view(),
        name="api-import-extract-detail",
    ),
    path(
        "imports/extracts/<int:pk>/withdraw/",
        imports_api.ExtractWithdrawView.as_view(),
        name="api-import-extract-withdraw",
    ),
    path(
        "imports/extracts/<int:pk>/quarantine/",
        imports_api.QuarantineListView.as_view(),
        name="api-import-quarantine-list",
    ),
    path(
        "imports/quarantine/<int:pk>/",
        imports_api.QuarantineRowView.as_view(),
        name="api-import-quarantine-row",
    ),
    path(
        "imports/quarantine/<int:pk>/fix/",
        imports_api.QuarantineFixView.as_view(),
        name="api-import-quarantine-fix",
    ),
    path(
        "imports/quarantine/<int:pk>/discard/",
        imports_api.QuarantineDiscardView.as_view(),
        name="api-import-quarantine-discard",
    ),
    path(
        "imports/records/<int:pk>/",
        imports_api.SourceRecordView.as_view(),
        name="api-import-record-detail",
    ),
    path(
        "imports/profiles/",
        imports_api.ProfileListView.as_view(),
        name="api-import-profile-list",
    ),
    path(
        "imports/profiles/<slug:name>/",
        imports_api.ProfileDetailView.as_view(),
        name="api-import-profile-detail",
    ),
    path(
        "imports/profile-schema/",
        imports_api.ProfileSchemaView.as_view(),
        name="api-import-profile-schema",
    ),
    path(
        "people/<int:pk>/screenings/",
        screening_api.PersonScreeningsView.as_view(),
        name="api-screening-person",
    ),
    path(
        "people/<int:pk>/screening-suggestions/",
        screening_api.SuggestionsView.as_view(),
        name="api-screening-suggestions",
    ),
    path("screenings/due/", screening_api.DueListView.as_view(), name="api-screening-due"),
    path(
        "screenings/<int:pk>/",
        screening_api.ScreeningDetailView.as_view(),
        name="api-screening-detail",
    ),
    path(
        "transitions/", screening_api.TransitionListView.as_view(), name="api-screening-transitions"
    ),
    path(
        "instruments/", screening_api.InstrumentListView.as_view(), name="api-screening-instruments"
    ),
    path(
        "instruments/versions/<int:pk>/",
        screening_api.InstrumentVersionView.as_view(),
        name="api-screening-instrument-version",
    ),
    path(
        "linkage/candidates/",
        linkage_api.CandidatesView.as_view(),
        name="api-linkage-candidates",
    ),
    path("linkage/pairs/", linkage_api.QueueView.as_view(), name="api-linkage-queue"),
    path("linkage/pairs/<int:pk>/", linkage_api.PairView.as_view(), name="api-linkage-pair"),
    path(
        "linkage/pairs/<int:pk>/decision/",
        linkage_api.PairDecisionView.as_view(),
        name="api-linkage-pair-decision",
    ),
    path("linkage/models/", linkage_api.ModelListView.as_view(), name="api-linkage-models"),
    path(
        "linkage/people/<int:pk>/records/",
        linkage_api.PersonRecordsView.as_view(),
        name="api-linkage-person-records",
    ),
    path("linkage/merges/", linkage_api.MergeCreateView.as_view(), name="api-linkage-merge"),
    path(
        "linkage/merges/<int:pk>/",
        linkage_api.MergeDetailView.as_view(),
        name="api-linkage-merge-detail",
    ),
    path(
        "linkage/merges/<int:pk>/undo/",
        linkage_api.MergeUndoView.as_view(),
        name="api-linkage-merge-undo",
    ),
    path("intelligence/entities/", intel_api.EntityListView.as_view(), name="api-intel-entities"),
    path(
        "intelligence/entities/<int:pk>/",
        intel_api.EntityDetailView.as_view(),
        name="api-intel-entity",
    ),
    path(
        "intelligence/entities/<int:pk>/network/",
        intel_api.EntityNetworkView.as_view(),
        name="api-intel-network",
    ),
    path(
        "intelligence/entities/<int:pk>/profile/",
        intel_api.ProfileView.as_view(),
        name="api-intel-profile",
    ),
    path("intelligence/links/", intel_api.LinkCreateView.as_view(), name="api-intel-links"),
    path("intelligence/links/<int:pk>/", intel_api.LinkDetailView.as_view(), name="api-intel-link"),
    path(
        "intelligence/links/<int:pk>/withdraw/",
        intel_api.LinkWithdrawView.as_view(),
        name="api-intel-link-withdraw",
    ),
    path("intelligence/alerts/", intel_api.AlertListView.as_view(), name="api-intel-alerts"),
    path(
        "intelligence/alerts/<int:pk>/", intel_api.AlertDetailView.as_view(), name="api-intel-alert"
    ),
    path(
        "intelligence/alerts/<int:pk>/decision/",
        intel_api.AlertDecisionView.as_view(),
        name="api-intel-alert-decision",
    ),
    path("people/<int:pk>/support/", support_api.SupportView.as_view(), name="api-support"),
    path(
        "people/<int:pk>/contacts/",
        support_api.ContactCreateView.as_view(),
        name="api-support-contact",
    ),
    path(
        "people/<int:pk>/key-worker/",
        support_api.KeyWorkerView.as_view(),
        name="api-support-key-worker",
    ),
    path("people/<int:pk>/voice/", support_api.VoiceCreateView.as_view(), name="api-support-voice"),
    path(
        "people/<int:pk>/consents/",
        support_api.ConsentCreateView.as_view(),
        name="api-support-consent",
    ),
    path(
        "consents/<int:pk>/withdraw/",
        support_api.ConsentWithdrawView.as_view(),
        name="api-support-consent-withdraw",
    ),
    path(
        "people/<int:pk>/outcomes/",
        support_api.OutcomesCreateView.as_view(),
        name="api-support-outcomes",
    ),
    path(
        "people/<int:pk>/nrm/",
        support_api.NrmCreateView.as_view(),
        name="api-support-nrm-create",
    ),
    path("nrm/<int:pk>/", support_api.NrmView.as_view(), name="api-support-nrm"),
    path(
        "nrm/<int:pk>/decision/",
        support_api.NrmDecisionView.as_view(),
        name="api-support-nrm-decision",
    ),
    path("my-work/", support_api.MyWorkView.as_view(), name="api-my-work"),
    path("cases/<int:pk>/close/", support_api.CaseCloseView.as_view(), name="api-case-close"),
    path("follow-ups/<int:pk>/", support_api.FollowUpView.as_view(), name="api-follow-up"),
    path("board/figures/", reporting_api.FiguresView.as_view(), name="api-board-figures"),
    path(
        "board/figures/<slug:collection>/",
        reporting_api.CollectionFiguresView.as_view(),
        name="api-board-collection",
    ),
    path(
        "board/reports/<str:period>/",
        reporting_api.ReportView.as_view(),
        name="api-board-report",
    ),
    path(
        "board/recommendations/",
        reporting_api.RecommendationListView.as_view(),
        name="api-board-recommendations",
    ),
    path(
        "learning/figures/", learning_api.LearningFiguresView.as_view(), name="api-learning-figures"
    ),
    path("learning/set/", learning_api.LearningSetView.as_view(), name="api-learning-set"),
    path("learning/pack/", learning_api.PackView.as_view(), name="api-learning-pack"),
    path(
        "learning/pack-schema/",
        learning_api.PackSchemaView.as_view(),
        name="api-learning-pack-schema",
    ),
    path("learning/packs/", learning_api.PackListView.as_view(), name="api-learning-packs"),
    path(
        "learning/packs/<int:pk>/",
        learning_api.PackCompareView.as_view(),
        name="api-learning-pack-compare",
    ),
    path("actions/", actions_api.ActionListView.as_view(), name="api-action-list"),
    path("actions/<int:pk>/", actions_api.ActionDetailView.as_view(), name="api-action-detail"),
    path("actions/overdue/", actions_api.OverdueView.as_view(), name="api-actions-overdue"),
    path("actions/chase/", actions_api.ChaseView.as_view(), name="api-actions-chase"),
    path("meetings/", meetings_api.MeetingListView.as_view(), name="api-meeting-list"),
    path("meetings/<int:pk>/", meetings_api.MeetingDetailView.as_view(), name="api-meeting-detail"),
    path("meetings/<int:pk>/agenda/", meetings_api.AgendaView.as_view(), name="api-meeting-agenda"),
    path(
        "meetings/<int:pk>/attendance/",
        meetings_api.AttendanceView.as_view(),
        name="api-meeting-attendance",
    ),
    path("meetings/<int:pk>/room/", meetings_api.RoomView.as_view(), name="api-meeting-room"),
    path(
        "meetings/<int:pk>/minutes/",
        meetings_api.MeetingMinutesView.as_view(),
        name="api-meeting-minutes",
    ),
    path("meetings/items/<int:pk>/", meetings_api.ItemView.as_view(), name="api-meeting-item"),
    path(
        "meetings/items/<int:pk>/actions/",
        meetings_api.ItemActionView.as_view(),
        name="api-meeting-item-actions",
    ),
    path("minutes/", meetings_api.MinutesIssuedView.as_view(), name="api-minutes-issued"),
    path("minutes/<int:pk>/", meetings_api.MinutesDetailView.as_view(), name="api-minutes-detail"),
    path("minutes/<int:pk>/pdf/", meetings_api.MinutesPdfView.as_view(), name="api-minutes-pdf"),
    path("cases/<int:pk>/plan/", meetings_api.CasePlanView.as_view(), name="api-case-plan"),
    path(
        "cases/<int:pk>/plan/actions/",
        meetings_api.PlanActionView.as_view(),
        name="api-case-plan-actions",
    ),
]
