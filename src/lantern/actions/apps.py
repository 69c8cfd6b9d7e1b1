from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "lantern.actions"
    label = "actions"
    verbose_name = "Actions"

    def ready(self) -> None:
        from lantern.actions import access  # noqa: F401  (registers its rules with core)
        from lantern.actions.queries import home_panel
        from lantern.core.panels import register_panel

        register_panel("home", home_panel)
