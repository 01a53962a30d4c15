"""The catalog of published datasets as DCAT (W3C Data Catalog Vocabulary, version 3) in
JSON-LD, at /open/catalog.jsonld, for harvesters (data.europa.eu-style portals, CKAN's
dcat harvester, search engines)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from jingchu.opendata import queries
from jingchu.opendata.choices import LICENCE_URLS, MEDIA_TYPES, UpdateFrequency
from jingchu.opendata.models import OpenDataset

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:issued": {"@type": "xsd:dateTime"},
    "dct:modified": {"@type": "xsd:dateTime"},
    "dcat:downloadURL": {"@type": "@id"},
    "dcat:accessURL": {"@type": "@id"},
    "dcat:landingPage": {"@type": "@id"},
    "dct:license": {"@type": "@id"},
    "dct:accrualPeriodicity": {"@type": "@id"},
    "dct:format": {"@type": "@id"},
}

FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCIES: dict[str, str] = {
    UpdateFrequency.REALTIME: "UPDATE_CONT", UpdateFrequency.DAILY: "DAILY",
    UpdateFrequency.WEEKLY: "WEEKLY", UpdateFrequency.MONTHLY: "MONTHLY",
    UpdateFrequency.QUARTERLY: "QUARTERLY", UpdateFrequency.YEARLY: "ANNUAL",
    UpdateFrequency.IRREGULAR: "IRREG",
}
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX", "parquet": "PARQUET"}


def _url(request: HttpRequest, route: str, **kwargs: Any) -> str:
    return request.build_absolute_uri(reverse(route, kwargs=kwargs or None))


def licence_uri(request: HttpRequest, licence: str) -> str:
    return LICENCE_URLS.get(licence) or _url(request, "opendata:licences") + f"#{licence}"


def _distribution(request: HttpRequest, ds: OpenDataset, fmt: str) -> dict[str, Any]:
    url = _url(request, "opendata:download", name=ds.name, fmt=fmt)
    item: dict[str, Any] = {
        "@id": url, "@type": "dcat:Distribution",
        "dct:title": f"{ds.title} ({fmt.upper()})", "dcat:downloadURL": url,
        "dcat:accessURL": _url(request, "opendata:dataset", name=ds.name),
        "dct:format": FILE_TYPE + FILE_TYPES[fmt], "dcat:mediaType": MEDIA_TYPES[fmt],
        "dct:license": licence_uri(request, ds.licence)}
    if fmt == "parquet":
        item["dcat:byteSize"] = ds.byte_size
        item["spdx:checksum"] = {"spdx:algorithm": "SM3", "spdx:checksumValue": ds.checksum}
    return item


def dataset_node(request: HttpRequest, ds: OpenDataset) -> dict[str, Any]:
    page = _url(request, "opendata:dataset", name=ds.name)
    return {
        "@id": page, "@type": "dcat:Dataset",
        "dct:identifier": str(ds.uid),
        "dct:title": ds.title, "dct:description": ds.notes,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": ds.owner.name,
                          "dct:identifier": ds.owner.uscc},
        "dct:license": licence_uri(request, ds.licence),
        "dcat:keyword": ds.tag_names,
        "dcat:theme": ds.get_topics_display(),
        "dct:accrualPeriodicity": FREQUENCY + FREQUENCIES.get(ds.update_frequency, "UNKNOWN"),
        "dct:issued": ds.published_at.isoformat() if ds.published_at else None,
        "dct:modified": ds.modified_at.isoformat() if ds.modified_at else None,
        "dcat:landingPage": page,
        "dcat:distribution": [_distribution(request, ds, fmt) for fmt in ds.formats],
    }


def catalog(request: HttpRequest) -> dict[str, Any]:
    """The dcat:Catalog of every published dataset (published ones only)."""
    home = _url(request, "opendata:portal")
    return {
        "@context": CONTEXT | {"spdx": "http://spdx.org/rdf/terms#"},
        "@id": home, "@type": "dcat:Catalog",
        "dct:title": _("Hubei open data portal"),
        "dct:description": _("Datasets published by Hubei's government bodies for anyone to "
                             "download and reuse."),
        "foaf:homepage": home,
        "dcat:dataset": [dataset_node(request, ds)
                         for ds in queries.published().order_by("name")],
    }
