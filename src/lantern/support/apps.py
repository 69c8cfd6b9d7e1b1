from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "lantern.support"
    label = "support"
    verbose_name = "Long-term support"

    def ready(self) -> None:
        from lantern.core.figures import register_figures
        from lantern.core.panels import register_panel
        from lantern.core.worklists import register_provider
        from lantern.support import (
            access,  # noqa: F401  (registers its rules with core)
            worklist,
        )
        from lantern.support.figures import support_figures
        from lantern.support.queries import person_panel

        register_panel("person", person_panel)
        for name, provider in worklist.PROVIDERS.items():
            register_provider(name, provider)
        register_figures("support", support_figures)
