"""Pre-filling an application form from shared government data, with the applicant's consent
(the MyInfo pattern).

An item's form schema marks the fields that a data resource can fill with the extension
keyword ``x-prefill``::

    "applicant_name": {"type": "string", "title": "申请人姓名",
                       "x-prefill": {"resource": "HB-GA-HJ-001", "field": "name"}}

The cases app does not import the sharing app: sharing registers a provider at start-up
(`register`) that says which resources it can read for a case and reads one once the applicant
consents, recording the consent and the read. Nothing is read before that consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from jingchu.cases.models import Case

KEYWORD = "x-prefill"


@dataclass(frozen=True)
class PrefillOffer:
    resource_code: str
    source: str  # the resource's name and owner, shown to the applicant
    fields: list[tuple[str, str]]  # (form field name, its title) that the resource fills
    available: bool = True
    reason: str = ""  # why not available


class PrefillProvider(Protocol):
    def offer(self, case: Case, resource_code: str,
              fields: list[tuple[str, str]]) -> PrefillOffer:
        """Whether the resource can fill these fields for this case now (no data is read)."""
        ...

    def read(self, actor: Any, case: Case, resource_code: str,
             wanted: dict[str, str]) -> dict[str, Any]:
        """Record the applicant's consent and read the record about the applicant (or the
        enterprise the case is for), inside the caller's transaction; answers the values by
        form field name (`wanted` maps form field names to the resource's field names).
        Raises ActionError when it cannot."""
        ...


_provider: list[PrefillProvider] = []


def register(provider: PrefillProvider) -> None:
    _provider[:] = [provider]


def wanted(schema: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Form fields the schema lets each resource fill: {resource code: {form field: field}}."""
    out: dict[str, dict[str, str]] = {}
    for name, prop in (schema.get("properties") or {}).items():
        source = prop.get(KEYWORD) if isinstance(prop, dict) else None
        if isinstance(source, dict) and source.get("resource") and source.get("field"):
            out.setdefault(str(source["resource"]), {})[name] = str(source["field"])
    return out


def offers(case: Case) -> list[PrefillOffer]:
    if not _provider:
        return []
    properties = case.version.form_schema.get("properties") or {}
    return [
        _provider[0].offer(case, code, [(name, str(properties[name].get("title", name)))
                                        for name in fields])
        for code, fields in wanted(case.version.form_schema).items()
    ]


def provider() -> PrefillProvider | None:
    return _provider[0] if _provider else None
