from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "lantern.referrals"
    label = "referrals"

    def ready(self) -> None:
        from lantern.core.panels import register_panel
        from lantern.referrals import access  # noqa: F401  (registers its rules with core)
        from lantern.referrals.queries import home_panel

        register_panel("home", home_panel)
