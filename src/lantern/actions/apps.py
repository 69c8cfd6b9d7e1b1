from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "lantern.actions"
    label = "actions"
    verbose_name = "Actions"

    def ready(self) -> None:
        from lantern.actions import access  # noqa: F401  (registers its rules with core)
        from lantern.actions.figures import action_figures
        from lantern.actions.queries import home_panel
        from lantern.actions.worklist import actions_work
        from lantern.core.figures import register_figures
        from lantern.core.panels import register_panel
        from lantern.core.worklists import register_provider

        register_panel("home", home_panel)
        register_figures("actions", action_figures)
        register_provider("actions", actions_work)
