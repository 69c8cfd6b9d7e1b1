from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lantern.cases"
    label = "cases"

    def ready(self) -> None:
        from lantern.cases import access  # noqa: F401  (registers its rules with core)
