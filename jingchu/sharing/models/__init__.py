"""Models of the data-sharing exchange. Only `jingchu.sharing.actions` writes them (the demo
bases are written by their generator, `jingchu.sharing.bases`)."""

from jingchu.sharing.models.bases import EntityRecord, PersonRecord
from jingchu.sharing.models.catalog import DataResource, ListEntry, ResourceField
from jingchu.sharing.models.exchange import ExchangeCall, GatewayClient
from jingchu.sharing.models.requests import Consent, ErrorReport, Grant, ShareRequest

__all__ = [
    "Consent", "DataResource", "EntityRecord", "ErrorReport", "ExchangeCall", "GatewayClient",
    "Grant", "ListEntry", "PersonRecord", "ResourceField", "ShareRequest",
]
