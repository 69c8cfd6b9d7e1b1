from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lantern.imports"
    label = "imports"

    def ready(self) -> None:
        from lantern.imports import access  # noqa: F401  (registers its rules with core)
