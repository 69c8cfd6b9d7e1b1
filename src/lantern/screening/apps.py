from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "lantern.screening"
    label = "screening"
    verbose_name = "Risk screening"

    def ready(self) -> None:
        from lantern.core.panels import register_panel
        from lantern.screening import access  # noqa: F401  (registers its rules with core)
        from lantern.screening.queries import home_panel, person_panel

        register_panel("home", home_panel)
        register_panel("person", person_panel)

        from django.db.models.signals import post_migrate

        from lantern.screening.defaults import load_default_instruments

        post_migrate.connect(load_default_instruments, sender=self)
