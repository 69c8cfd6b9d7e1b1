from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "lantern.intelligence"
    label = "intelligence"

    def ready(self) -> None:
        from lantern.intelligence import access  # noqa: F401  (registers its rules with core)
