from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "lantern.linkage"
    label = "linkage"

    def ready(self) -> None:
        from lantern.core.panels import register_panel
        from lantern.imports import linking
        from lantern.linkage import access, hooks  # noqa: F401  (access registers its rules)
        from lantern.linkage.queries import person_panel, referral_panel

        register_panel("person", person_panel)
        register_panel("referral", referral_panel)
        linking.register(hooks)
