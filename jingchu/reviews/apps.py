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
        (_("Rating statistics"), "reviews:stats", "can_view_stats"),
    ]
