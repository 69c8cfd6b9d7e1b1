from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "lantern.screening"
    label = "screening"
    verbose_name = "Risk screening"

    def ready(self) -> None:
        from lantern.core.views import register_home_panel
        from lantern.screening import access  # noqa: F401  (registers its rules with core)
        from lantern.screening.queries import home_panel

        register_home_panel(home_panel)

        from django.db.models.signals import post_migrate

        from lantern.screening.defaults import load_default_instruments

        post_migrate.connect(load_default_instruments, sender=self)
