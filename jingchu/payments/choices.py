from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentChannel(models.TextChoices):
    ONLINE = "online", _("Paid online")
    COUNTER = "counter", _("Paid at the counter")
