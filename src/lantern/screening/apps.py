from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "lantern.screening"
    label = "screening"
    verbose_name = "Risk screening"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from lantern.screening.defaults import load_default_instruments

        post_migrate.connect(load_default_instruments, sender=self)
