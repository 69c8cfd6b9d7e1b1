from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "lantern.intelligence"
    label = "intelligence"

    def ready(self) -> None:
        from lantern.core.figures import register_figures
        from lantern.intelligence import (
            access,  # noqa: F401  (registers its rules with core)
            agenda,
        )
        from lantern.intelligence.figures import intelligence_figures

        register_figures("intelligence", intelligence_figures)
        agenda.register()
