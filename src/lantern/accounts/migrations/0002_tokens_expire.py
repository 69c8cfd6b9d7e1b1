"""Every API token expires: those issued before expiry was the default get the configured
lifetime from now (so no client stops at once). Secrets were already stored only as hashes."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def give_tokens_an_expiry(apps, schema_editor):
    days = getattr(settings, "LANTERN_API_TOKEN_LIFETIME_DAYS", 90)
    if days <= 0:
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True, revoked_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=days)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(give_tokens_an_expiry, migrations.RunPython.noop)]
