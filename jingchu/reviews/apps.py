from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "jingchu.reviews"
    label = "reviews"
    verbose_name = _("Service ratings")
    demo_module = "jingchu.reviews.demo"
    nav = [
        (_("My ratings"), "reviews:mine", "can_list_own_ratings"),
        (_("Rectifications"), "reviews:queue", "can_use_queue"),
        (_("Rating appeals"), "reviews:appeals", "can_decide_any_appeal"),
        (_("Rating device"), "reviews:window_start", "can_use_window_devices"),
        (_("Phone ratings"), "reviews:phone", "can_record_phone_ratings"),
        (_("Rating statistics"), "reviews:stats", "can_view_stats"),
    ]

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from jingchu.cases.models import CaseEvent
        from jingchu.reviews.signals import invite_after_case_event

        post_save.connect(invite_after_case_event, sender=CaseEvent,
                          dispatch_uid="reviews.invite_after_case_event")
