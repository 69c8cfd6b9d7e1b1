from django.apps import AppConfig


class LearningConfig(AppConfig):
    """Understanding perpetrators and sharing learning: the anonymised learning set, case
    studies approved for release, learning packs out and in (``docs/learning.md``)."""

    name = "lantern.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from lantern.learning import access  # noqa: F401  (registers the rules)
