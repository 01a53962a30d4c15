"""The hotline's records. Only jingchu.hotline.actions writes them."""

from jingchu.hotline.models.config import Category, Centre, RoutingRule, TimeLimit
from jingchu.hotline.models.knowledge import KnowledgeArticle, TrainingExample
from jingchu.hotline.models.open311 import Open311Key
from jingchu.hotline.models.tickets import (
    ExtensionRequest,
    Supervision,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketNumberCounter,
)

__all__ = [
    "Category",
    "Centre",
    "ExtensionRequest",
    "KnowledgeArticle",
    "Open311Key",
    "RoutingRule",
    "Supervision",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketNumberCounter",
    "TimeLimit",
    "TrainingExample",
]
