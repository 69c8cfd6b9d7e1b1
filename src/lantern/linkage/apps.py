from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "lantern.linkage"
    label = "linkage"

    def ready(self) -> None:
        from lantern.linkage import access  # noqa: F401  (registers its rules with core)
