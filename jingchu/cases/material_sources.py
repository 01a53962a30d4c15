"""Materials that need no upload (减材料): a licence the applicant holds, shared data.

The cases app does not import the apps that hold such materials; each registers a provider for
its MaterialSource at start-up (`register`), and the application pages and actions ask it what
the applicant holds, record the applicant's consent, and describe a used material to the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from jingchu.cases.models import Case, CaseMaterial
from jingchu.services.models import MaterialRequirement


@dataclass(frozen=True)
class HeldMaterial:
    reference: str  # what the case records, e.g. a licence identifier
    label: str  # shown to the applicant and the clerk
    valid: bool = True  # usable now (checked again by the clerk's page)
    detail: str = ""  # why not valid, or what was checked


class MaterialProvider(Protocol):
    def held(self, case: Case, requirement: MaterialRequirement) -> list[HeldMaterial]:
        """What the case's applicant (or the enterprise it acts for) holds for `requirement`,
        usable now."""
        ...

    def consent(self, actor: Any, case: Case, requirement: MaterialRequirement,
                reference: str) -> HeldMaterial:
        """Record, inside the caller's transaction, that the applicant lets `case` use the
        material; raises ActionError/NotPermitted when it cannot."""
        ...

    def describe(self, material: CaseMaterial) -> HeldMaterial | None:
        """The used material as it checks out now (for the clerk), None if unknown."""
        ...


_PROVIDERS: dict[str, MaterialProvider] = {}


def register(source: str, provider: MaterialProvider) -> None:
    _PROVIDERS[source] = provider


def provider_for(source: str) -> MaterialProvider | None:
    return _PROVIDERS.get(source)


def held_for(case: Case, requirement: MaterialRequirement) -> list[HeldMaterial]:
    provider = provider_for(requirement.source)
    return provider.held(case, requirement) if provider is not None else []


def describe(material: CaseMaterial) -> HeldMaterial | None:
    provider = provider_for(material.source)
    return provider.describe(material) if provider is not None and material.reference else None
