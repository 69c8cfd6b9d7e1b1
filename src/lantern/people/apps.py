from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lantern.people"
    label = "people"

    def ready(self) -> None:
        from lantern.people import access  # noqa: F401  (registers its rules with core)
