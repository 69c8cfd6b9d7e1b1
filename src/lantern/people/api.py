"""People in the API: search, a person's record, and the duplicate check before a referral.

Every read goes through :mod:`lantern.people.queries`, which applies the access policy and
writes the audit entry; nothing here touches person-data models directly.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.core.api import ActorAPIView, AgencyRefSerializer, UserNameField, problems, query_text
from lantern.core.normalisers import (
    PartialDate,
    normalise_email,
    normalise_nhs_number,
    normalise_phone,
    normalise_postcode,
    parse_date_of_birth,
)
from lantern.core.vocab import vocabulary
from lantern.people import queries
from lantern.people.models import Person, Sex

TAGS = ["people"]


def django_errors(exc: DjangoValidationError) -> list[str]:
    return [str(message) for message in exc.messages]


# --- output ---------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "description": "As much as is known: YYYY, YYYY-MM or YYYY-MM-DD",
        "example": "2010-05",
    }
)
class PartialDateOfBirthField(serializers.Field):  # type: ignore[type-arg]
    """A person's date of birth to the precision it is known (``2010``, ``2010-05``, …)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, person: Person) -> str | None:
        dob = person.date_of_birth
        if dob is None:
            return None
        if person.dob_precision == "year":
            return str(PartialDate(dob.year))
        if person.dob_precision == "month":
            return str(PartialDate(dob.year, dob.month))
        return str(PartialDate.from_date(dob))


class PersonSummarySerializer(serializers.Serializer[Person]):
    """Who a record is about, as shown in lists."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    given_name = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    date_of_birth = PartialDateOfBirthField()
    dob_precision = serializers.CharField(read_only=True)
    display_dob = serializers.CharField(read_only=True)
    age = serializers.SerializerMethodField()
    sex = serializers.CharField(read_only=True)

    def get_age(self, person: Person) -> int | None:
        return person.age()


class AddressBriefSerializer(serializers.Serializer[Any]):
    line = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)


class PersonSearchResultSerializer(PersonSummarySerializer):
    latest_address = serializers.SerializerMethodField()

    @extend_schema_field(AddressBriefSerializer(allow_null=True))
    def get_latest_address(self, person: Person) -> dict[str, Any] | None:
        addresses = getattr(person, "address_list", None) or []
        if not addresses:
            return None
        return dict(AddressBriefSerializer(addresses[0]).data)


class ProvenanceSerializer(serializers.Serializer[Any]):
    """Which agency said a fact, when it was recorded, and where it came from."""

    agency = AgencyRefSerializer(source="source_agency", read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    source_record = serializers.IntegerField(
        source="source_record_id",
        read_only=True,
        allow_null=True,
        help_text="The agency record it was taken from (hub roles see it in linkage)",
    )
    source_referral = serializers.IntegerField(
        source="source_referral_id",
        read_only=True,
        allow_null=True,
        help_text="The referral it was given in",
    )


class FactSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    provenance = ProvenanceSerializer(source="*", read_only=True)


class NameSerializer(FactSerializer):
    kind = serializers.CharField(read_only=True)
    is_primary = serializers.BooleanField(read_only=True)
    given_name = serializers.CharField(read_only=True)
    middle_names = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)


class IdentifierSerializer(FactSerializer):
    scheme = serializers.CharField(read_only=True)
    scheme_label = serializers.CharField(source="get_scheme_display", read_only=True)
    value = serializers.CharField(read_only=True)


class AddressSerializer(FactSerializer):
    line = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    from_date = serializers.DateField(read_only=True, allow_null=True)
    to_date = serializers.DateField(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)


class ContactSerializer(FactSerializer):
    kind = serializers.CharField(read_only=True)
    value = serializers.CharField(read_only=True)


class CareNeedSerializer(FactSerializer):
    code = serializers.CharField(read_only=True)
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    note = serializers.CharField(read_only=True)

    def get_label(self, fact: Any) -> str:
        return vocabulary("people", "care_needs").label(fact.code)


class StatusFlagSerializer(FactSerializer):
    code = serializers.CharField(read_only=True)
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    from_date = serializers.DateField(read_only=True, allow_null=True)
    to_date = serializers.DateField(read_only=True, allow_null=True)

    def get_label(self, fact: Any) -> str:
        return vocabulary("people", "status_flags").label(fact.code)


class InvolvementSerializer(serializers.Serializer[Any]):
    agency = AgencyRefSerializer(read_only=True)
    basis = serializers.CharField(read_only=True)
    basis_label = serializers.CharField(source="get_basis_display", read_only=True)
    reference = serializers.CharField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)


class PersonReferralSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    referring_agency = AgencyRefSerializer(read_only=True)
    urgency = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    outcome = serializers.SerializerMethodField()

    def get_outcome(self, referral: Any) -> str | None:
        decision = getattr(referral, "decision", None)
        return decision.outcome if decision is not None else None


class PersonCaseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    opened_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    lead_professional = UserNameField()


class AccessLogEntrySerializer(serializers.Serializer[Any]):
    sequence = serializers.IntegerField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    username = serializers.CharField(read_only=True)
    agency_code = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    action = serializers.CharField(read_only=True)
    event = serializers.CharField(
        read_only=True, help_text="What happened, e.g. person.viewed (blank on older entries)"
    )
    event_label = serializers.CharField(
        source="label", read_only=True, help_text="What happened, in plain English"
    )
    purpose = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)


class PersonRecordSerializer(serializers.Serializer[queries.PersonRecord]):
    """A person's record: every fact with the agency that said it, filtered for the caller."""

    id = serializers.IntegerField(source="person.pk", read_only=True)
    reference = serializers.CharField(source="person.reference", read_only=True)
    given_name = serializers.CharField(source="person.given_name", read_only=True)
    family_name = serializers.CharField(source="person.family_name", read_only=True)
    display_name = serializers.CharField(source="person.display_name", read_only=True)
    date_of_birth = PartialDateOfBirthField(source="person")
    dob_precision = serializers.CharField(source="person.dob_precision", read_only=True)
    display_dob = serializers.CharField(source="person.display_dob", read_only=True)
    age = serializers.SerializerMethodField()
    is_child = serializers.BooleanField(source="person.is_child", read_only=True)
    sex = serializers.CharField(source="person.sex", read_only=True)
    names = NameSerializer(many=True, read_only=True)
    identifiers = IdentifierSerializer(many=True, read_only=True)
    addresses = AddressSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    care_needs = CareNeedSerializer(many=True, read_only=True)
    status_flags = StatusFlagSerializer(many=True, read_only=True)
    involvements = InvolvementSerializer(many=True, read_only=True)
    referrals = PersonReferralSerializer(many=True, read_only=True)
    cases = PersonCaseSerializer(many=True, read_only=True)
    access_log = AccessLogEntrySerializer(
        many=True,
        read_only=True,
        allow_null=True,
        help_text="Who has looked at this record (hub roles only; null for others)",
    )

    def get_age(self, record: queries.PersonRecord) -> int | None:
        return record.person.age()


class PersonSearchResponseSerializer(serializers.Serializer[Any]):
    results = PersonSearchResultSerializer(many=True, read_only=True)
    limit = serializers.IntegerField(read_only=True)


class DuplicateCheckResponseSerializer(serializers.Serializer[queries.DuplicateCheck]):
    visible = PersonSearchResultSerializer(many=True, read_only=True)
    hidden_count = serializers.IntegerField(
        read_only=True,
        help_text="Likely matches your agency is not entitled to see; the hub resolves them",
    )


# --- input ----------------------------------------------------------------------------


class PersonDetailsInputMixin(serializers.Serializer[dict[str, Any]]):
    """Validation shared by every body that describes a person: normalise or refuse."""

    def validate_date_of_birth(self, value: str) -> PartialDate | None:
        if not value.strip():
            return None
        try:
            return parse_date_of_birth(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc)) from exc

    def validate_nhs_number(self, value: str) -> str:
        return _normalised(normalise_nhs_number, value)

    def validate_postcode(self, value: str) -> str:
        return _normalised(normalise_postcode, value)

    def validate_phone(self, value: str) -> str:
        return _normalised(normalise_phone, value)

    def validate_email(self, value: str) -> str:
        return _normalised(normalise_email, value)


def _normalised(normalise: Any, value: str) -> str:
    if not value.strip():
        return ""
    try:
        return str(normalise(value))
    except DjangoValidationError as exc:
        raise serializers.ValidationError(django_errors(exc)) from exc


DOB_HELP = "Full or partial: 17/05/2010, 2010-05-17, May 2010 or 2010"


class DuplicateCheckInputSerializer(PersonDetailsInputMixin):
    given_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    family_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.CharField(
        max_length=40, allow_blank=True, default="", help_text=DOB_HELP
    )
    nhs_number = serializers.CharField(max_length=20, allow_blank=True, default="")


class NewPersonInputSerializer(PersonDetailsInputMixin):
    """A person not yet on record; values are normalised (NHS number, postcode, phone…)."""

    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    middle_names = serializers.CharField(max_length=200, allow_blank=True, default="")
    known_as = serializers.CharField(max_length=100, allow_blank=True, default="")
    date_of_birth = serializers.CharField(
        max_length=40, allow_blank=True, default="", help_text=DOB_HELP
    )
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.NOT_KNOWN)
    nhs_number = serializers.CharField(max_length=20, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10, allow_blank=True, default="")
    address_line = serializers.CharField(max_length=300, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, allow_blank=True, default="")
    email = serializers.CharField(max_length=200, allow_blank=True, default="")


# --- views ----------------------------------------------------------------------------

PURPOSE = OpenApiParameter(
    "purpose", str, description="Why you are looking (written to the audit log)", required=False
)


class PersonSearchView(ActorAPIView):
    """Find people you may see by name, date of birth or NHS number. Every search is audited."""

    @extend_schema(
        operation_id="people_search",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="Name(s), a date of birth and/or an NHS number, e.g. 'jo smith 2010'",
            ),
            PURPOSE,
        ],
        responses={200: PersonSearchResponseSerializer, **problems(400, 401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        text = query_text(request, "q")
        if not text:
            raise serializers.ValidationError({"q": ["Enter a name, date of birth or NHS number"]})
        purpose = query_text(request, "purpose") or "find a person"
        results = queries.person_search(self.actor, text, purpose=purpose)
        return Response(
            PersonSearchResponseSerializer({"results": results, "limit": queries.SEARCH_LIMIT}).data
        )


class PersonDetailView(ActorAPIView):
    """A person's record with the provenance of every fact. The read is audited."""

    @extend_schema(
        operation_id="people_retrieve",
        parameters=[PURPOSE],
        responses={200: PersonRecordSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        record = queries.person_record(self.actor, pk, purpose=query_text(request, "purpose"))
        return Response(PersonRecordSerializer(record).data)


class DuplicateCheckView(ActorAPIView):
    """Before referring a new person: records that may be the same person.

    You see the matches your agency may see, and a count of the others.
    """

    @extend_schema(
        operation_id="people_duplicates",
        request=DuplicateCheckInputSerializer,
        responses={200: DuplicateCheckResponseSerializer, **problems(400, 401, 403)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = DuplicateCheckInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        dob: PartialDate | None = data["date_of_birth"]
        check = queries.possible_duplicates(
            self.actor,
            given_name=data["given_name"],
            family_name=data["family_name"],
            # A partial date narrows nothing reliably: match on the name alone.
            date_of_birth=dob.earliest() if dob is not None and dob.precision == "day" else None,
            nhs_number=data["nhs_number"],
        )
        return Response(DuplicateCheckResponseSerializer(check).data)
