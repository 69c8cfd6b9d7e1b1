from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "lantern.meetings"
    label = "meetings"
    verbose_name = "Meetings and plans"

    def ready(self) -> None:
        from lantern.core.panels import register_panel
        from lantern.meetings import access, agenda  # noqa: F401  (register rules, sources)
        from lantern.meetings.plans import case_panel

        register_panel("case", case_panel)
