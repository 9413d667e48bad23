from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        # The creator's tracking link and promo code as merge fields of outreach and contract e-mails:
        # outreach and briefs are lower layers, so analytics hands them the values (outreach.merge).
        from analytics.tracking.creator_kit import register_merge_sources

        register_merge_sources()
