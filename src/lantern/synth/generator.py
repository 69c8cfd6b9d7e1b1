"""``lantern.synth``: a seeded generator of a fictional city, Northwick.

Everything it makes is synthetic and says so: the postcode area NK does not exist, NHS
numbers come from the 999 test range (with valid check digits), phone numbers from Ofcom's
drama ranges, e-mail addresses from example.org. Names are drawn at random from common
given and family names, so no record describes a real person.

The same seed and ``today`` always give the same city. Rows are bulk-inserted with
explicit keys, so 100,000 people and 1,000,000 chronology events take a few minutes at most.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from faker.providers.person.en_GB import Provider as GBNames

from lantern.agencies.models import Agency, AgencyKind, Membership
from lantern.cases.models import Case, CaseAgency, CaseStatus, ChronologyEntry
from lantern.core import audit, system
from lantern.core.access import RestrictedCategory, Role
from lantern.core.bulkload import insert_instances
from lantern.core.events import Event
from lantern.core.normalisers import age_on, nhs_check_digit
from lantern.core.vocab import vocabulary
from lantern.core.workdays import add_working_days
from lantern.people import services as people_services
from lantern.people.models import (
    Address,
    CareNeed,
    ContactDetail,
    ContactKind,
    DatePrecision,
    Identifier,
    IdentifierScheme,
    Involvement,
    InvolvementBasis,
    NameKind,
    Person,
    PersonName,
    Sex,
    StatusFlag,
)
from lantern.people.services import PEOPLE_TABLES, name_fields
from lantern.referrals.conclusions import categories as conclusion_categories
from lantern.referrals.models import (
    ENQUIRY_OUTCOMES,
    URGENCY_RANK,
    EnquiryConclusion,
    Outcome,
    Referral,
    ReferralStatus,
    TriageDecision,
    Urgency,
)

#: How enquiries conclude in the synthetic city (weights by code; see ``_conclusion``).
SYNTH_EXTRA_TYPES = {
    "psychological": 0.4,
    "sexual": 0.3,
    "financial": 0.2,
    "physical": 0.15,
    "modern_slavery": 0.1,
    "domestic": 0.1,
    "neglect": 0.05,
    "self_neglect": 0.05,
}
SYNTH_LOCATIONS = {
    "community": 45,
    "own_home": 25,
    "other": 12,
    "community_service": 6,
    "care_home_residential": 5,
    "hospital_mental_health": 4,
    "care_home_nursing": 1,
    "hospital_acute": 1,
    "hospital_community": 1,
}
SYNTH_SOURCES = {"known": 50, "unknown": 45, "service_provider": 5}
SYNTH_RISK_ASSESSMENTS = {
    "risk_identified": 70,
    "inconclusive": 8,
    "no_risk": 10,
    "ceased_at_request": 12,
}
SYNTH_RISK_OUTCOMES = {"reduced": 60, "removed": 20, "remains": 20}
SYNTH_ASKED = {"asked_expressed": 70, "asked_not_expressed": 12, "not_asked": 12, "not_known": 6}
SYNTH_ACHIEVED = {"fully": 55, "partially": 35, "not_achieved": 10}

DEMO_PASSWORD = "northwick-demo"  # noqa: S105 - printed for the synthetic demo only  # nosec B105
BATCH = 5000

#: The builders of synthetic data act as this service: the system owner's job, like loading
#: an instrument, so an administrator at the hub (who sees no case content).
SYNTH_SERVICE = system.declare(
    system.Service(
        username="lantern-synth",
        title="Synthetic data",
        role=Role.ADMINISTRATOR,
        purpose="build synthetic demonstration data",
    )
)

AGENCIES: list[tuple[str, str, str]] = [
    ("hub", "Northwick Exploitation Hub", AgencyKind.HUB),
    ("police", "Northwick Police", AgencyKind.POLICE),
    ("childrens", "Northwick Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE),
    ("adults", "Northwick Adult Social Care", AgencyKind.ADULT_SOCIAL_CARE),
    ("health", "Northwick Hospitals NHS Trust", AgencyKind.HEALTH),
    ("sexual-health", "Northwick Sexual Health Service", AgencyKind.SEXUAL_HEALTH),
    ("school", "Riverside Academy", AgencyKind.EDUCATION),
    ("housing", "Northwick Homes", AgencyKind.HOUSING),
    ("probation", "Northwick Probation Service", AgencyKind.PROBATION),
    ("voluntary", "Safe Harbour Northwick (voluntary sector)", AgencyKind.VOLUNTARY),
]

#: The demo's named logins: (username, first, last, agency code, role, restricted categories).
DEMO_USERS: list[tuple[str, str, str, str, str, list[str]]] = [
    ("hub.practitioner", "Sam", "Okafor", "hub", Role.PRACTITIONER, []),
    ("hub.nurse", "Priya", "Rahman", "hub", Role.PRACTITIONER, [RestrictedCategory.SEXUAL_HEALTH]),
    ("hub.analyst", "Alex", "Morgan", "hub", Role.ANALYST, [RestrictedCategory.INFORMANT]),
    ("hub.manager", "Jo", "Whitfield", "hub", Role.MANAGER, [c.value for c in RestrictedCategory]),
    ("school.lead", "Dawn", "Ellis", "school", Role.CONTRIBUTOR, []),
    ("police.officer", "Ravi", "Patel", "police", Role.CONTRIBUTOR, [RestrictedCategory.INFORMANT]),
    (
        "police.analyst",
        "Morgan",
        "Reid",
        "police",
        Role.ANALYST,
        [RestrictedCategory.INFORMANT, RestrictedCategory.HANDLING_C],
    ),
    (
        "health.adviser",
        "Grace",
        "Bell",
        "sexual-health",
        Role.CONTRIBUTOR,
        [RestrictedCategory.SEXUAL_HEALTH],
    ),
    ("housing.officer", "Tom", "Kerr", "housing", Role.CONTRIBUTOR, []),
    ("adults.worker", "Nadia", "Hussain", "adults", Role.CONTRIBUTOR, []),
    ("board.member", "Helen", "Ward", "hub", Role.BOARD, []),
    ("admin", "Chris", "Lowe", "hub", Role.ADMINISTRATOR, []),
]

PLACES = [
    "the Riverside retail park",
    "a takeaway on Marlow Street",
    "the Station Road hotel",
    "Castle Park",
    "the bus station",
    "a flat on Tanner's Row",
    "the Quayside car park",
    "a house party in Eastfield",
    "the Northgate shopping centre",
    "a car wash on Mill Lane",
]
CARERS = [
    "their foster carer",
    "residential staff",
    "a parent",
    "a hostel worker",
    "their support worker",
]
#: Event types that belong to childhood (school, return interviews); adults don't get them.
CHILDHOOD_EVENTS = frozenset({"school_absence", "school_exclusion", "return_interview"})

# Weighted choice of event types for ordinary people; high-significance ones are rarer.
EVENT_WEIGHTS: dict[str, int] = {
    "missing_episode": 14,
    "return_interview": 5,
    "school_absence": 12,
    "school_exclusion": 2,
    "police_incident": 8,
    "found_with_person_of_concern": 4,
    "vehicle_stop": 2,
    "disclosure": 2,
    "health_attendance": 8,
    "emergency_department": 3,
    "sexual_health_attendance": 4,
    "intelligence": 3,
    "allegation": 1,
    "housing_contact": 6,
    "social_care_visit": 10,
    "support_contact": 10,
    "gifts_money_phones": 3,
    "online_contact": 3,
    "other": 2,
}
EVENT_AGENCY: dict[str, str] = {
    "missing_episode": "police",
    "return_interview": "voluntary",
    "school_absence": "school",
    "school_exclusion": "school",
    "police_incident": "police",
    "found_with_person_of_concern": "police",
    "vehicle_stop": "police",
    "disclosure": "hub",
    "health_attendance": "health",
    "emergency_department": "health",
    "sexual_health_attendance": "sexual-health",
    "intelligence": "police",
    "allegation": "police",
    "housing_contact": "housing",
    "social_care_visit": "childrens",
    "support_contact": "voluntary",
    "gifts_money_phones": "school",
    "online_contact": "school",
    "other": "hub",
}


def _summary(rng: random.Random, event_type: str, given: str) -> str:
    place = rng.choice(PLACES)
    texts = {
        "missing_episode": (
            f"Reported missing by {rng.choice(CARERS)} at {rng.randint(18, 23)}:00. "
            f"Found {rng.randint(2, 30)} hours later at {place}. Would not say where {given} had been."
        ),
        "return_interview": f"Return home interview. {given} said they had been with 'friends' at {place}.",
        "school_absence": f"{given} absent from school for {rng.randint(1, 5)} days without explanation.",
        "school_exclusion": f"Fixed-term exclusion for {rng.randint(1, 5)} days after an incident in class.",
        "police_incident": f"Officers attended {place} after a call about a young person in distress.",
        "found_with_person_of_concern": (
            f"{given} found by officers at {place} in the company of an adult man known to "
            f"police as a person of concern (POC-{rng.randint(100, 999)})."
        ),
        "vehicle_stop": f"{given} seen getting into a grey hatchback outside {place}; vehicle stopped.",
        "disclosure": f"{given} told a worker they were made to meet older men at {place} for money owed.",
        "health_attendance": f"GP attendance; {given} appeared withdrawn and tired.",
        "emergency_department": f"Attended the emergency department intoxicated at {rng.randint(0, 4)}:30.",
        "sexual_health_attendance": "Attended the sexual health service; details held by the service.",
        "intelligence": f"Intelligence that {given} is being taken to {place} by older males.",
        "allegation": f"Allegation received that {given} was assaulted at {place}; enquiries ongoing.",
        "housing_contact": f"Housing contact: placement move to supported accommodation near {place}.",
        "social_care_visit": f"Home visit by social worker; {given} seen alone and talked about school.",
        "support_contact": f"Support worker met {given} for coffee; talked about keeping safe at night.",
        "gifts_money_phones": f"{given} had a new phone and expensive trainers; could not say who paid.",
        "online_contact": f"Concerning messages from an unknown adult found on {given}'s social media.",
        "other": f"Information shared at the multi-agency meeting about {place}.",
    }
    return texts[event_type]


@dataclass
class CityConfig:
    seed: int = 1
    people: int = 1000
    events: int | None = None  # defaults to 10 per person
    today: date | None = None
    heavy_case_entries: int = 0  # one case with this many chronology entries (for benchmarks)
    demo_users: bool = True


@dataclass
class CityReport:
    agencies: int = 0
    users: int = 0
    people: int = 0
    referrals: int = 0
    cases: int = 0
    events: int = 0
    heavy_case_id: int | None = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)


class _Ids:
    """Hands out primary keys for bulk inserts, continuing after what the table holds."""

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model], count: int = 1) -> int:
        if model not in self._next:
            last = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self._next[model] = last + 1
        first = self._next[model]
        self._next[model] += count
        return first


def _nhs_numbers(rng: random.Random) -> Iterator[str]:
    used: set[str] = set()
    while True:
        first9 = f"999{rng.randint(0, 999_999):06d}"
        check = nhs_check_digit(first9)
        if check is None or first9 in used:
            continue
        used.add(first9)
        yield f"{first9}{check}"


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"NK{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"+447700900{rng.randint(0, 999):03d}"
    city = rng.choice(["113", "114", "115", "116", "117", "118", "121", "131", "141", "151", "161"])
    return f"+44{city}496{rng.randint(0, 999):04d}"


class CityBuilder:
    def __init__(self, config: CityConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)  # seeded synthetic data, not security  # nosec B311
        self.staff_rng = random.Random(
            f"staff-{config.seed}"
        )  # seeded synthetic data, not security  # nosec B311
        # Enquiries and their conclusions draw from their own stream, so adding them left
        # every other part of the city as it was for the same seed.
        self.enquiry_rng = random.Random(
            f"enquiries-{config.seed}"
        )  # seeded synthetic data, not security  # nosec B311
        self.today = config.today or date.today()  # noqa: DTZ011 - a calendar day is what we want
        self.ids = _Ids()
        self.first_pid: int | None = None
        self.report = CityReport()
        self.agencies: dict[str, Agency] = {}
        self.staff: dict[str, list[int]] = {}
        self.hub_user_ids: list[int] = []
        self.pending: dict[type[models.Model], list[models.Model]] = {}
        self.event_codes = list(EVENT_WEIGHTS)
        self.event_weights = list(EVENT_WEIGHTS.values())
        self.adult_codes = [c for c in EVENT_WEIGHTS if c not in CHILDHOOD_EVENTS]
        self.adult_weights = [EVENT_WEIGHTS[c] for c in self.adult_codes]
        self.event_vocab = vocabulary("cases", "event_types")
        self.nhs = _nhs_numbers(self.rng)
        self.female = list(GBNames.first_names_female)
        self.male = list(GBNames.first_names_male)
        self.family = list(GBNames.last_names)

    # -- plumbing ---------------------------------------------------------------------

    def add(self, obj: models.Model) -> None:
        bucket = self.pending.setdefault(type(obj), [])
        bucket.append(obj)
        if len(bucket) >= BATCH:
            self.flush(type(obj))

    def flush(self, model: type[models.Model] | None = None) -> None:
        order = [
            Person,
            PersonName,
            Identifier,
            Address,
            ContactDetail,
            CareNeed,
            StatusFlag,
            Involvement,
            Case,
            CaseAgency,
            Referral,
            TriageDecision,
            EnquiryConclusion,
            ChronologyEntry,
        ]
        for m in order if model is None else [model]:
            rows = self.pending.pop(m, [])
            if rows and m in PEOPLE_TABLES:
                people_services.people_bulk_insert(m, rows)
            elif rows:
                insert_instances(m, rows)

    def moment(self, day: date, hour: int | None = None) -> datetime:
        # Today's events happen early in the morning, so nothing is dated later than now.
        latest = 7 if day >= self.today else 22
        h = self.rng.randint(min(8, latest), latest) if hour is None else hour
        return datetime.combine(day, time(h, self.rng.randint(0, 59)), tzinfo=UTC)

    # -- the city ---------------------------------------------------------------------

    def build(self) -> CityReport:
        with transaction.atomic():
            self._agencies()
            self._users()
            heavy_person = None
            for index in range(self.config.people):
                person_id = self._person()
                if index == 0 and self.config.heavy_case_entries:
                    heavy_person = person_id
            self.flush()
            self._chronology(heavy_person)
            self.flush()
            self._reset_sequences()
            audit.record(
                system.service_actor(SYNTH_SERVICE, channel="cli"),
                Event.SYNTHETIC_CITY_BUILT,
                purpose=SYNTH_SERVICE.purpose,
                detail={
                    "seed": self.config.seed,
                    "people": self.report.people,
                    "events": self.report.events,
                },
            )
        return self.report

    def _agencies(self) -> None:
        for code, name, kind in AGENCIES:
            agency, _ = Agency.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind}
            )
            self.agencies[code] = agency
        self.report.agencies = len(self.agencies)

    def _users(self) -> None:
        user_model = get_user_model()
        password_hash = make_password(DEMO_PASSWORD)  # hash once: Argon2 is slow on purpose
        if self.config.demo_users:
            for username, first, last, agency_code, role, categories in DEMO_USERS:
                user, created = user_model.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "password": password_hash,
                        "email": f"{username}@example.org",
                        "is_staff": role == Role.ADMINISTRATOR,
                        "is_superuser": role == Role.ADMINISTRATOR,
                    },
                )
                Membership.objects.get_or_create(
                    user=user,
                    agency=self.agencies[agency_code],
                    role=role,
                    defaults={"restricted_categories": categories},
                )
                if created:
                    self.report.logins.append(
                        (username, self.agencies[agency_code].name, str(Role(role).label))
                    )
            # One person working for two agencies, to show choosing a role.
            dual = user_model.objects.get(username="hub.analyst")
            Membership.objects.get_or_create(
                user=dual, agency=self.agencies["police"], role=Role.CONTRIBUTOR
            )
        for code, agency in self.agencies.items():
            role = Role.PRACTITIONER if agency.is_hub else Role.CONTRIBUTOR
            ids = list(
                Membership.objects.filter(agency=agency, role__in=[role]).values_list(
                    "user_id", flat=True
                )
            )
            for n in range(3 - len(ids) if len(ids) < 3 else 0):
                # A separate stream, so people come out the same whether or not staff exist yet.
                first = self.staff_rng.choice(self.female + self.male)
                last = self.staff_rng.choice(self.family)
                user, _ = user_model.objects.get_or_create(
                    username=f"{code}.staff{n + 1}",
                    defaults={"first_name": first, "last_name": last, "password": password_hash},
                )
                Membership.objects.get_or_create(user=user, agency=agency, role=role)
                ids.append(user.pk)
            self.staff[code] = ids
        self.hub_user_ids = self.staff["hub"]
        self.report.users = user_model.objects.count()

    def _dob(self) -> date:
        adult = self.rng.random() < 0.4
        age_days = (
            self.rng.randint(18 * 365 + 5, 30 * 365)
            if adult
            else self.rng.randint(11 * 365, 18 * 365 - 5)
        )
        return self.today - timedelta(days=age_days)

    def _person(self) -> int:
        rng = self.rng
        pid = self.ids.take(Person)
        if self.first_pid is None:
            self.first_pid = pid
        sex = Sex.FEMALE if rng.random() < 0.75 else Sex.MALE
        given = rng.choice(self.female if sex == Sex.FEMALE else self.male)
        family = rng.choice(self.family)
        dob = self._dob()
        precision = DatePrecision.DAY if rng.random() < 0.97 else DatePrecision.YEAR
        if precision == DatePrecision.YEAR:
            dob = date(dob.year, 1, 1)
        created = self.moment(self.today - timedelta(days=rng.randint(30, 900)))
        home_code = rng.choice(["childrens", "adults", "police", "health", "school", "housing"])
        self.add(
            Person(
                pk=pid,
                given_name=given,
                family_name=family,
                date_of_birth=dob,
                dob_precision=precision,
                sex=sex,
                created_by_agency=self.agencies[home_code],
                created_at=created,
            )
        )
        said = {"recorded_at": created, "source": "synthetic city"}
        self.add(
            PersonName(
                person_id=pid,
                kind=NameKind.LEGAL,
                is_primary=True,
                given_name=given,
                family_name=family,
                source_agency=self.agencies[home_code],
                **name_fields(given, family),
                **said,
            )
        )
        if rng.random() < 0.2:
            alias = rng.choice(self.female if sex == Sex.FEMALE else self.male)
            self.add(
                PersonName(
                    person_id=pid,
                    kind=NameKind.KNOWN_AS,
                    given_name=alias,
                    source_agency=self.agencies["police"],
                    **name_fields(alias, ""),
                    **said,
                )
            )
        if rng.random() < 0.85:
            self.add(
                Identifier(
                    person_id=pid,
                    scheme=IdentifierScheme.NHS,
                    value=next(self.nhs),
                    source_agency=self.agencies["health"],
                    **said,
                )
            )
        for n in range(rng.choice([1, 1, 2, 3])):
            start = self.today - timedelta(days=rng.randint(60, 1500) * (n + 1))
            self.add(
                Address(
                    person_id=pid,
                    line=f"{rng.randint(1, 180)} {rng.choice(self.family)} Road",
                    postcode=_postcode(rng),
                    from_date=start,
                    to_date=None if n == 0 else start + timedelta(days=rng.randint(30, 300)),
                    source_agency=self.agencies[rng.choice(["housing", "childrens", "health"])],
                    **said,
                )
            )
        if rng.random() < 0.5:
            self.add(
                ContactDetail(
                    person_id=pid,
                    kind=ContactKind.PHONE,
                    value=_phone(rng),
                    source_agency=self.agencies[home_code],
                    **said,
                )
            )
        if rng.random() < 0.15:
            self.add(
                ContactDetail(
                    person_id=pid,
                    kind=ContactKind.EMAIL,
                    value=f"{given.lower()}.{family.lower()}{rng.randint(1, 99)}@example.org",
                    source_agency=self.agencies[home_code],
                    **said,
                )
            )
        is_adult = age_on(dob, self.today) >= 18
        self._needs_and_flags(pid, is_adult, said)
        involved = {home_code, *rng.sample(list(EVENT_AGENCY.values()), rng.randint(0, 3))}
        for code in sorted(involved):
            self.add(
                Involvement(
                    person_id=pid,
                    agency=self.agencies[code],
                    basis=InvolvementBasis.RECORD,
                    started_at=created,
                    purpose="holds a record about the person",
                )
            )
        self.report.people += 1
        if rng.random() < 0.3:
            self._referrals(pid, given, dob, is_adult, involved)
        return pid

    def _needs_and_flags(self, pid: int, is_adult: bool, said: dict[str, Any]) -> None:
        rng = self.rng
        needs = vocabulary("people", "care_needs").terms
        if rng.random() < (0.45 if is_adult else 0.2):
            for term in rng.sample(needs, rng.randint(1, 2)):
                self.add(
                    CareNeed(
                        person_id=pid,
                        code=term.code,
                        source_agency=self.agencies["adults" if is_adult else "childrens"],
                        **said,
                    )
                )
        if not is_adult and rng.random() < 0.15:
            self.add(
                StatusFlag(
                    person_id=pid,
                    code="looked_after_child",
                    from_date=self.today - timedelta(days=rng.randint(100, 2000)),
                    source_agency=self.agencies["childrens"],
                    **said,
                )
            )
        if is_adult and rng.random() < 0.2:
            self.add(
                StatusFlag(
                    person_id=pid,
                    code="care_leaver",
                    source_agency=self.agencies["childrens"],
                    **said,
                )
            )

    def _referrals(
        self, pid: int, given: str, dob: date, is_adult: bool, involved: set[str]
    ) -> None:
        rng = self.rng
        concerns = vocabulary("referrals", "concern_categories").terms
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            code = rng.choice(sorted(involved - {"hub"}) or ["school"])
            agency = self.agencies[code]
            recent = rng.random() < 0.04
            submitted = self.moment(
                self.today - timedelta(days=rng.randint(0, 2 if recent else 400))
            )
            urgency = rng.choice(
                [Urgency.STANDARD, Urgency.STANDARD, Urgency.HIGH, Urgency.IMMEDIATE]
            )
            rid = self.ids.take(Referral)
            decided = not recent and (
                rng.random() < 0.9 or submitted.date() < self.today - timedelta(days=7)
            )
            self.add(
                Referral(
                    pk=rid,
                    person_id=pid,
                    referring_agency=agency,
                    referrer_id=rng.choice(self.staff[code]),
                    concern_categories=[t.code for t in rng.sample(concerns, rng.randint(1, 3))],
                    what_was_seen=_summary(rng, rng.choice(self.event_codes[:10]), given),
                    urgency=urgency,
                    urgency_rank=URGENCY_RANK[urgency],
                    status=ReferralStatus.DECIDED if decided else ReferralStatus.SUBMITTED,
                    submitted_at=submitted,
                    due_by=add_working_days(submitted, 1),
                    created_at=submitted,
                )
            )
            self.report.referrals += 1
            if decided:
                self._decide(rid, pid, code, submitted, is_adult)

    def _decide(
        self, rid: int, pid: int, referring_code: str, submitted: datetime, is_adult: bool
    ) -> None:
        rng = self.rng
        options = [
            Outcome.NO_FURTHER_ACTION,
            Outcome.ADVICE,
            Outcome.SINGLE_AGENCY,
            Outcome.HUB_CASE,
            Outcome.S42_ENQUIRY if is_adult else Outcome.STRATEGY_DISCUSSION,
        ]
        outcome = rng.choice(options)
        decider = rng.choice(self.hub_user_ids)
        decided_at = submitted + timedelta(hours=rng.randint(1, 40))
        if is_adult and outcome == Outcome.ADVICE and self.enquiry_rng.random() < 0.4:
            # An adult outside the s42 test who still needs an enquiry: an "other" enquiry.
            outcome = Outcome.OTHER_ENQUIRY
        case_id = None
        if outcome in (Outcome.HUB_CASE, Outcome.S42_ENQUIRY, Outcome.STRATEGY_DISCUSSION):
            case_id = self._case(pid, decider, decided_at, {"hub", referring_code})
        s42 = outcome == Outcome.S42_ENQUIRY
        self.add(
            TriageDecision(
                referral_id=rid,
                outcome=outcome,
                decided_by_id=decider,
                decided_at=decided_at,
                rationale="Decision recorded at daily triage after checking partner systems.",
                s42_care_and_support_needs=True if s42 else None,
                s42_at_risk_of_abuse=True if s42 else None,
                s42_unable_to_protect=True if s42 else None,
                single_agency=self.agencies[referring_code]
                if outcome == Outcome.SINGLE_AGENCY
                else None,
                case_id=case_id,
            )
        )
        if outcome in ENQUIRY_OUTCOMES:
            self._conclusion(rid, decider, decided_at)

    def _conclusion(self, rid: int, recorder: int, decided_at: datetime) -> None:
        """About 85% of enquiries concluded, with spreads a hub working on sexual
        exploitation of adults might see: mostly in the community, by people unknown or
        known to the person; most risks reduced; some enquiries ceased at the person's
        request."""
        rng = self.enquiry_rng
        if rng.random() >= 0.85:
            return
        cats = conclusion_categories()

        def pick(section: str, weights: Mapping[str, float]) -> str:
            known = [(c, w) for c, w in weights.items() if c in cats.codes(section)]
            return rng.choices([c for c, _ in known], [w for _, w in known])[0]

        types = ["sexual_exploitation"] + [
            code
            for code, chance in SYNTH_EXTRA_TYPES.items()
            if code in cats.codes("types_of_risk") and rng.random() < chance
        ]
        assessment = pick("risk_assessments", SYNTH_RISK_ASSESSMENTS)
        assessed = cats.get("risk_assessments", assessment)
        # Action follows most identified risks, and some where none was found.
        acted = (
            rng.random() < (0.85 if assessed.risk_outcome else 0.3)
            if assessed is not None and assessed.action_taken
            else False
        )
        asked = pick("desired_outcomes_asked", SYNTH_ASKED)
        asked_category = cats.get("desired_outcomes_asked", asked)
        on = min(
            decided_at.date() + timedelta(days=rng.randint(5, 90)),
            self.today,
        )
        self.add(
            EnquiryConclusion(
                referral_id=rid,
                version=1,
                concluded_on=on,
                types_of_risk=types,
                location_of_risk=pick("locations_of_risk", SYNTH_LOCATIONS),
                source_of_risk=pick("sources_of_risk", SYNTH_SOURCES),
                risk_assessment=assessment,
                action_taken=acted,
                risk_outcome=pick("risk_outcomes", SYNTH_RISK_OUTCOMES)
                if acted and assessed is not None and assessed.risk_outcome
                else "",
                outcomes_asked=asked,
                outcomes_achieved=pick("desired_outcomes_achieved", SYNTH_ACHIEVED)
                if asked_category is not None and asked_category.achieved
                else "",
                categories_version=cats.version,
                recorded_by_id=recorder,
                recorded_at=datetime.combine(on, time(16), tzinfo=UTC),
            )
        )

    def _case(self, pid: int, lead: int, opened: datetime, agencies: set[str]) -> int:
        cid = self.ids.take(Case)
        closed = self.rng.random() < 0.3
        self.add(
            Case(
                pk=cid,
                person_id=pid,
                lead_professional_id=lead,
                opened_at=opened,
                created_at=opened,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_at=opened + timedelta(days=90) if closed else None,
            )
        )
        for code in sorted(agencies):
            self.add(
                CaseAgency(
                    case_id=cid, agency=self.agencies[code], joined_at=opened, added_by_id=lead
                )
            )
            self.add(
                Involvement(
                    person_id=pid,
                    agency=self.agencies[code],
                    basis=InvolvementBasis.CASE,
                    reference=f"C-{cid:06d}",
                    started_at=opened,
                    purpose="member of the hub case",
                )
            )
        self.report.cases += 1
        if self.report.heavy_case_id is None and self.config.heavy_case_entries:
            self.report.heavy_case_id = cid
        return cid

    def _chronology(self, heavy_person: int | None) -> None:
        """Spread events over people: most have a few, some many (a skewed distribution)."""
        rng = self.rng
        total = self.config.events if self.config.events is not None else self.config.people * 10
        first_pid = self.first_pid or 0
        people = [(first_pid + i) for i in range(self.report.people)]
        cases = dict(
            Case.objects.filter(person_id__gte=first_pid)
            .order_by("-opened_at")
            .values_list("person_id", "pk")
        )
        given = {
            pk: (name, dob is not None and age_on(dob, self.today) >= 18)
            for pk, name, dob in Person.objects.filter(pk__gte=first_pid).values_list(
                "pk", "given_name", "date_of_birth"
            )
        }
        heavy = min(self.config.heavy_case_entries, total) if heavy_person else 0
        if heavy_person is not None and heavy:
            if heavy_person not in cases:
                cases[heavy_person] = self._case(
                    heavy_person,
                    self.hub_user_ids[0],
                    self.moment(self.today - timedelta(days=800)),
                    {"hub", "police", "school", "health"},
                )
                self.flush()
            self.report.heavy_case_id = cases[heavy_person]
            self._events(heavy_person, cases.get(heavy_person), given[heavy_person], heavy, 800)
        remaining = total - heavy
        weights = [rng.paretovariate(1.5) for _ in people]
        scale = remaining / sum(weights) if weights else 0
        allotted = [int(w * scale) for w in weights]
        shortfall = remaining - sum(allotted)
        for i in range(shortfall):
            allotted[i % len(allotted)] += 1
        for pid, count in zip(people, allotted, strict=True):
            if count:
                self._events(pid, cases.get(pid), given[pid], count, 700)

    def _events(
        self, pid: int, case_id: int | None, person: tuple[str, bool], count: int, span_days: int
    ) -> None:
        rng = self.rng
        given, adult = person
        codes, weights = (
            (self.adult_codes, self.adult_weights)
            if adult
            else (self.event_codes, self.event_weights)
        )
        types = rng.choices(codes, weights=weights, k=count)
        for event_type in types:
            term = self.event_vocab.by_code[event_type]
            agency_code = EVENT_AGENCY[event_type]
            if adult and agency_code in ("childrens", "school"):
                agency_code = "adults"
            day = self.today - timedelta(days=rng.randint(0, span_days))
            self.add(
                ChronologyEntry(
                    person_id=pid,
                    case_id=case_id,
                    occurred_on=day,
                    occurred_time=time(rng.randint(0, 23), rng.choice([0, 15, 30, 45]))
                    if rng.random() < 0.6
                    else None,
                    event_type=event_type,
                    significance=term.significance,
                    summary=_summary(rng, event_type, given),
                    source_agency=self.agencies[agency_code],
                    author_id=rng.choice(self.staff[agency_code]),
                    recorded_at=self.moment(day),
                    restricted_category=term.restricted_category,
                )
            )
        self.report.events += count

    def _reset_sequences(self) -> None:
        if connection.vendor != "postgresql":
            return
        statements = connection.ops.sequence_reset_sql(
            no_style(),
            [
                Person,
                Referral,
                Case,
                PersonName,
                Identifier,
                Address,
                ContactDetail,
                CareNeed,
                StatusFlag,
                Involvement,
                CaseAgency,
                TriageDecision,
                EnquiryConclusion,
                ChronologyEntry,
            ],
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def build_city(config: CityConfig) -> CityReport:
    return CityBuilder(config).build()
