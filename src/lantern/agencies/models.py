"""Partner agencies and the memberships (agency + role) that users act through."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lantern.core.access import Role
from lantern.core.models import TimeStamped


class AgencyKind(models.TextChoices):
    HUB = "hub", "Exploitation hub"
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HEALTH = "health", "Health"
    SEXUAL_HEALTH = "sexual_health", "Sexual health service"
    EDUCATION = "education", "Education"
    HOUSING = "housing", "Housing"
    PROBATION = "probation", "Probation"
    VOLUNTARY = "voluntary", "Voluntary sector"


class Agency(TimeStamped):
    """A partner agency. Exactly the agencies with kind ``hub`` hold hub roles."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_hub(self) -> bool:
        return self.kind == AgencyKind.HUB


class Membership(TimeStamped):
    """A user's role in one agency. A user acts as one membership at a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    restricted_categories = models.JSONField(
        default=list,
        blank=True,
        help_text="Restricted categories this membership may read, e.g. sexual_health",
    )
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="one_role_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.agency}"
