from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "lantern.reporting"
    label = "reporting"
    verbose_name = "Board reporting"

    def ready(self) -> None:
        from lantern.core.figures import register_figures, register_quality_check
        from lantern.reporting import (
            access,  # noqa: F401  (registers its rules with core)
            quality,
        )
        from lantern.reporting.providers import dashboard_figures
        from lantern.reporting.sac import children_figures, sac_figures

        register_figures("foundation", dashboard_figures)
        register_figures("safeguarding adults collection", sac_figures)
        register_figures("children's exploitation", children_figures)
        for name, check in quality.CHECKS.items():
            register_quality_check(name, check)
