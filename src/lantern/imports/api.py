"""Agency extracts in the API: upload and follow an import, fix its quarantine, profiles.

Hub roles only (the queries refuse anyone else, and the refusal is audited); uploading,
fixing, withdrawing and loading profiles need a hub analyst or manager. Reads go through
:mod:`lantern.imports.queries`, writes through :mod:`lantern.imports.services`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.accounts.api import (
    ActorAPIView,
    ActorListAPIView,
    AgencyRefSerializer,
    UserNameField,
    problems,
    query_text,
)
from lantern.agencies.models import Agency, AgencyKind
from lantern.core import access
from lantern.core.normalisers import PartialDate
from lantern.core.problems import problem_response
from lantern.imports import queries, services
from lantern.imports.forms import initial_values
from lantern.imports.models import (
    Extract,
    MappingProfile,
    QuarantinedRow,
    QuarantineStatus,
    SourceRecord,
)
from lantern.imports.profiles import ProfileError, profile_schema
from lantern.imports.rows import EDITABLE_FIELDS

TAGS = ["imports"]


# --- output ---------------------------------------------------------------------------


class MappingProfileRefSerializer(serializers.Serializer[MappingProfile]):
    name = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class ImportWarningSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    rows = serializers.ListField(child=serializers.IntegerField(), read_only=True)


class ExtractSerializer(serializers.Serializer[Extract]):
    """An extract, the basis it is shared on, and how its import is going."""

    id = serializers.IntegerField(read_only=True)
    file_name = serializers.CharField(read_only=True)
    file_sha256 = serializers.CharField(read_only=True)
    agency = AgencyRefSerializer(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    profile = MappingProfileRefSerializer(read_only=True, allow_null=True)
    sharing_agreement = serializers.CharField(read_only=True)
    lawful_basis = serializers.CharField(read_only=True)
    uploaded_by = UserNameField()
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    rows_total = serializers.IntegerField(
        read_only=True, help_text="Rows in the file, once counted (0 until then)"
    )
    rows_done = serializers.IntegerField(read_only=True)
    percent = serializers.SerializerMethodField()
    rows_created = serializers.IntegerField(read_only=True)
    rows_updated = serializers.IntegerField(read_only=True)
    rows_unchanged = serializers.IntegerField(read_only=True)
    rows_quarantined = serializers.IntegerField(read_only=True)
    warnings = serializers.DictField(
        child=ImportWarningSerializer(), read_only=True, help_text="Rows kept with a doubtful value"
    )
    error = serializers.CharField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawal_reason = serializers.CharField(read_only=True)
    quarantine = serializers.SerializerMethodField(help_text="The extract's quarantined rows")

    def get_percent(self, extract: Extract) -> int:
        if not extract.rows_total:
            return 100 if extract.finished_at else 0
        return min(100, round(100 * extract.rows_done / extract.rows_total))

    @extend_schema_field(OpenApiTypes.URI)
    def get_quarantine(self, extract: Extract) -> str:
        return reverse("api-import-quarantine-list", args=[extract.pk])


class QuarantinedRowSerializer(serializers.Serializer[QuarantinedRow]):
    id = serializers.IntegerField(read_only=True)
    extract = serializers.IntegerField(source="extract_id", read_only=True)
    row_number = serializers.IntegerField(read_only=True)
    raw = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="The row as supplied, by field"
    )
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(), read_only=True, help_text="Why each field was refused"
    )
    status = serializers.CharField(read_only=True)
    resolved_by = UserNameField()
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)


class RecordRevisionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(read_only=True)
    previous = serializers.DictField(read_only=True, help_text="What this version said")
    extract = serializers.IntegerField(source="extract_id", read_only=True)
    changed_at = serializers.DateTimeField(read_only=True)


class RecordSupplySerializer(serializers.Serializer[Any]):
    extract = serializers.IntegerField(source="extract_id", read_only=True)
    row_number = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    outcome = serializers.CharField(read_only=True)


@extend_schema_field(
    {"type": "string", "nullable": True, "description": "YYYY, YYYY-MM or YYYY-MM-DD"}
)
class RecordDateOfBirthField(serializers.Field):  # type: ignore[type-arg]
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, record: SourceRecord) -> str | None:
        dob = record.date_of_birth
        if dob is None:
            return None
        if record.dob_precision == "year":
            return str(PartialDate(dob.year))
        if record.dob_precision == "month":
            return str(PartialDate(dob.year, dob.month))
        return dob.isoformat()


class SourceRecordDetailSerializer(serializers.Serializer[SourceRecord]):
    """A record as an agency's system holds it, normalised; names folded for matching."""

    id = serializers.IntegerField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    record_id = serializers.CharField(read_only=True)
    agency = AgencyRefSerializer(read_only=True)
    extract = serializers.IntegerField(source="extract_id", read_only=True)
    first_name = serializers.CharField(read_only=True)
    middle_names = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    date_of_birth = RecordDateOfBirthField()
    dob_precision = serializers.CharField(read_only=True)
    sex = serializers.CharField(read_only=True)
    nhs_number = serializers.CharField(read_only=True)
    nhs_number_valid = serializers.BooleanField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    raw = serializers.DictField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True, allow_null=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revisions = serializers.SerializerMethodField()
    supplied_by = serializers.SerializerMethodField()

    @extend_schema_field(RecordRevisionSerializer(many=True))
    def get_revisions(self, record: SourceRecord) -> list[dict[str, Any]]:
        return [dict(RecordRevisionSerializer(r).data) for r in self.context.get("revisions", [])]

    @extend_schema_field(RecordSupplySerializer(many=True))
    def get_supplied_by(self, record: SourceRecord) -> list[dict[str, Any]]:
        return [dict(RecordSupplySerializer(s).data) for s in self.context.get("supplied_by", [])]


class MappingProfileSerializer(serializers.Serializer[MappingProfile]):
    name = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    description = serializers.CharField(read_only=True)
    definition = serializers.DictField(read_only=True, help_text="The validated profile")
    yaml = serializers.CharField(source="source_text", read_only=True, help_text="As loaded")
    created_at = serializers.DateTimeField(read_only=True)
    created_by = UserNameField()


# --- input ----------------------------------------------------------------------------


class ExtractUploadSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField(help_text="A CSV or XLSX extract")
    agency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.HUB),
        help_text="The supplying agency's code",
    )
    profile = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="A mapping profile's name; empty for the standard layout",
    )
    profile_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Default: the latest"
    )
    source = serializers.CharField(  # type: ignore[assignment]
        required=False, allow_blank=True, default="", max_length=60
    )
    sharing_agreement = serializers.CharField(max_length=200)
    lawful_basis = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="Default: DPA 2018 Schedule 1 paragraph 18 (safeguarding)",
    )


class QuarantineFixSerializer(serializers.Serializer[dict[str, Any]]):
    """Corrected values; a field left out keeps what the row said."""

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        return {
            name: serializers.CharField(
                required=False, allow_blank=True, max_length=400, trim_whitespace=True
            )
            for name in EDITABLE_FIELDS
        }


class ImportReasonSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=2000)


class ProfileUploadSerializer(serializers.Serializer[dict[str, Any]]):
    yaml = serializers.CharField(
        required=False, max_length=200_000, trim_whitespace=False, help_text="The profile"
    )
    file = serializers.FileField(required=False, help_text="Or the profile as a file")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        upload = attrs.pop("file", None)
        if upload is not None:
            try:
                attrs["yaml"] = upload.read(200_001).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise serializers.ValidationError({"file": "Send the profile as UTF-8"}) from exc
        if not attrs.get("yaml"):
            raise serializers.ValidationError({"yaml": "Send the profile as yaml or file"})
        return attrs


def _profile_problems(exc: ProfileError, request: Request) -> Response:
    return problem_response(
        status.HTTP_400_BAD_REQUEST,
        f"The mapping profile has {len(exc.problems)} problem(s); each names its line and field.",
        instance=request.path,
        errors=[
            {"field": p.field, "line": str(p.line or ""), "message": p.message}
            for p in exc.problems
        ],
    )


# --- views ----------------------------------------------------------------------------


def _require_importer(actor: Any, row: QuarantinedRow) -> None:
    access.require(
        actor,
        access.may_import(actor),
        "fix quarantined rows",
        object_type="quarantined_row",
        object_id=row.pk,
    )


class ExtractListView(ActorListAPIView):
    """Extracts, newest first (hub roles); upload one (hub analysts and managers)."""

    serializer_class = ExtractSerializer
    parser_classes = [MultiPartParser, FormParser]

    def query(self) -> QuerySet[Extract]:
        return queries.extract_list(self.actor)

    @extend_schema(
        operation_id="imports_extracts_list",
        responses={200: ExtractSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="imports_extracts_create",
        request={"multipart/form-data": ExtractUploadSerializer},
        responses={202: ExtractSerializer, **problems(400, 401, 403)},
        tags=TAGS,
        description="Store the extract and queue its import; follow it at the Location.",
    )
    def post(self, request: Request) -> Response:
        access.require(self.actor, access.may_import(self.actor), "import agency extracts")
        body = ExtractUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        profile = None
        if data["profile"]:
            profile = queries.profile_get(self.actor, data["profile"], data["profile_version"])
        extract = services.extract_create(
            actor=self.actor,
            upload=data["file"],
            file_name=data["file"].name,
            agency=data["agency"],
            source=data["source"],
            profile=profile,
            sharing_agreement=data["sharing_agreement"],
            lawful_basis=data["lawful_basis"],
        )
        services.extract_enqueue(actor=self.actor, extract=extract)
        return Response(
            ExtractSerializer(extract).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api-import-extract-detail", args=[extract.pk])},
        )


class ExtractDetailView(ActorAPIView):
    """One extract: its sharing basis and the progress of its import. The read is audited."""

    @extend_schema(
        operation_id="imports_extracts_retrieve",
        responses={200: ExtractSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        extract = queries.extract_get(self.actor, pk, purpose=query_text(request, "purpose"))
        return Response(ExtractSerializer(extract).data)


class ExtractWithdrawView(ActorAPIView):
    """Withdraw an extract and everything derived from it (hub analysts and managers)."""

    @extend_schema(
        operation_id="imports_extracts_withdraw",
        request=ImportReasonSerializer,
        responses={200: ExtractSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        extract = queries.extract_get(self.actor, pk, purpose="withdraw the extract")
        access.require(
            self.actor,
            access.may_import(self.actor),
            "withdraw agency extracts",
            object_type="extract",
            object_id=extract.pk,
        )
        body = ImportReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.extract_withdraw(
            actor=self.actor, extract=extract, reason=body.validated_data["reason"]
        )
        return Response(ExtractSerializer(done.extract).data)


class QuarantineListView(ActorListAPIView):
    """An extract's quarantined rows, with the reason each field was refused."""

    serializer_class = QuarantinedRowSerializer

    def query(self) -> QuerySet[QuarantinedRow]:
        wanted = query_text(self.request, "status") or QuarantineStatus.OPEN
        if wanted not in QuarantineStatus.values:
            raise serializers.ValidationError(
                {"status": f"Use one of: {', '.join(QuarantineStatus.values)}"}
            )
        extract = queries.extract_get(
            self.actor, int(self.kwargs["pk"]), purpose="review quarantined rows"
        )
        return queries.quarantine_list(self.actor, extract, status=wanted)

    @extend_schema(
        operation_id="imports_quarantine_list",
        parameters=[OpenApiParameter("status", str, enum=QuarantineStatus.values, required=False)],
        responses={200: QuarantinedRowSerializer(many=True), **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class QuarantineRowView(ActorAPIView):
    """One quarantined row."""

    @extend_schema(
        operation_id="imports_quarantine_retrieve",
        responses={200: QuarantinedRowSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(QuarantinedRowSerializer(queries.quarantined_row_get(self.actor, pk)).data)


class QuarantineFixView(ActorAPIView):
    """Correct a quarantined row and import it; fields left out keep the row's values."""

    @extend_schema(
        operation_id="imports_quarantine_fix",
        request=QuarantineFixSerializer,
        responses={200: SourceRecordDetailSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        row = queries.quarantined_row_get(self.actor, pk)
        _require_importer(self.actor, row)
        body = QuarantineFixSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = initial_values(row, services.mapping_for(row.extract.profile))
        values.update(body.validated_data)
        record = services.quarantine_resubmit(actor=self.actor, row=row, values=values)
        return Response(SourceRecordDetailSerializer(record).data)


class QuarantineDiscardView(ActorAPIView):
    """Set a quarantined row aside without importing it, with the reason."""

    @extend_schema(
        operation_id="imports_quarantine_discard",
        request=ImportReasonSerializer,
        responses={200: QuarantinedRowSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        row = queries.quarantined_row_get(self.actor, pk)
        _require_importer(self.actor, row)
        body = ImportReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.quarantine_discard(
            actor=self.actor, row=row, reason=body.validated_data["reason"]
        )
        return Response(QuarantinedRowSerializer(row).data)


class SourceRecordView(ActorAPIView):
    """One source record with its earlier versions and the extracts that supplied it."""

    @extend_schema(
        operation_id="imports_records_retrieve",
        responses={200: SourceRecordDetailSerializer, **problems(401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        history = queries.source_record_get(self.actor, pk)
        context = {"revisions": history.revisions, "supplied_by": history.supplied_by}
        return Response(SourceRecordDetailSerializer(history.record, context=context).data)


class ProfileListView(ActorAPIView):
    """Mapping profiles (the latest version of each); load one (analysts and managers)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_profiles_list",
        responses={200: MappingProfileSerializer(many=True), **problems(401, 403)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        profiles = queries.profile_list(self.actor)
        return Response(MappingProfileSerializer(profiles, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="imports_profiles_create",
        request={
            "application/json": ProfileUploadSerializer,
            "multipart/form-data": ProfileUploadSerializer,
        },
        responses={
            200: MappingProfileSerializer,
            201: MappingProfileSerializer,
            **problems(400, 401, 403),
        },
        tags=TAGS,
        description="Validate a profile and store it as the next version of its name (201); "
        "an unchanged profile stores nothing (200). Each problem names its line and field.",
    )
    def post(self, request: Request) -> Response:
        access.require(self.actor, access.may_import(self.actor), "load mapping profiles")
        body = ProfileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            loaded = services.profile_load(actor=self.actor, text=body.validated_data["yaml"])
        except ProfileError as exc:
            return _profile_problems(exc, request)
        return Response(
            MappingProfileSerializer(loaded.profile).data,
            status=status.HTTP_201_CREATED if loaded.created else status.HTTP_200_OK,
            headers={"Location": reverse("api-import-profile-detail", args=[loaded.profile.name])},
        )


class ProfileDetailView(ActorAPIView):
    """One mapping profile: the latest version, or ``?version=N``."""

    @extend_schema(
        operation_id="imports_profiles_retrieve",
        parameters=[OpenApiParameter("version", int, required=False)],
        responses={200: MappingProfileSerializer, **problems(400, 401, 403, 404)},
        tags=TAGS,
    )
    def get(self, request: Request, name: str) -> Response:
        wanted = query_text(request, "version")
        if wanted and not wanted.isdigit():
            raise serializers.ValidationError({"version": "Give a version number"})
        profile = queries.profile_get(self.actor, name, int(wanted) if wanted else None)
        return Response(MappingProfileSerializer(profile).data)


class ProfileSchemaView(ActorAPIView):
    """The JSON Schema every mapping profile is checked against (not person data)."""

    @extend_schema(
        operation_id="imports_profile_schema",
        responses={200: OpenApiTypes.OBJECT, **problems(401)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(profile_schema())
