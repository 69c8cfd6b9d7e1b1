from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "lantern.referrals"
    label = "referrals"

    def ready(self) -> None:
        from lantern.core.views import register_home_panel
        from lantern.referrals import access  # noqa: F401  (registers its rules with core)
        from lantern.referrals.queries import home_panel

        register_home_panel(home_panel)
