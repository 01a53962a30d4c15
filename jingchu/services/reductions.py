"""The "四减" figures of an item version: fewer steps, days, materials and trips.

Each figure compares what the item asks now with what the law (or the original catalog) allows:
steps, promised vs legal working days, materials that still need an upload vs all materials the
law asks for, and on-site visits. Computed from the version, never typed in by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from jingchu.services.choices import MaterialNecessity, MaterialSource
from jingchu.services.models import ItemVersion


@dataclass(frozen=True)
class Reductions:
    legal_steps: int
    steps: int
    legal_days: int
    promised_days: int
    legal_materials: int
    materials_required: int
    materials_to_upload: int
    onsite_visits: int

    @property
    def steps_saved(self) -> int:
        return max(0, self.legal_steps - self.steps)

    @property
    def days_saved(self) -> int:
        return max(0, self.legal_days - self.promised_days)

    @property
    def days_saved_ratio(self) -> float:
        """Share of the legal time limit the promise saves (0.0–1.0)."""
        if self.legal_days == 0:
            return 0.0
        return round(max(0, self.legal_days - self.promised_days) / self.legal_days, 4)

    @property
    def materials_saved(self) -> int:
        """Materials the applicant no longer uploads: dropped from the law's list, or replaced by
        a licence or shared data."""
        return max(0, self.legal_materials - self.materials_to_upload)

    @property
    def materials_reused(self) -> int:
        """Required materials that a licence or a shared data resource supplies."""
        return self.materials_required - self.materials_to_upload

    @property
    def zero_visits(self) -> bool:
        return self.onsite_visits == 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            steps_saved=self.steps_saved, days_saved=self.days_saved,
            days_saved_ratio=self.days_saved_ratio, materials_saved=self.materials_saved,
            materials_reused=self.materials_reused, zero_visits=self.zero_visits,
        )
        return data


def compute(version: ItemVersion) -> Reductions:
    materials = list(version.materials.all())
    required = [m for m in materials if m.necessity == MaterialNecessity.REQUIRED]
    uploads = [m for m in required if m.source == MaterialSource.UPLOAD]
    return Reductions(
        legal_steps=version.legal_steps,
        steps=version.steps,
        legal_days=version.legal_days,
        promised_days=version.promised_days,
        legal_materials=max(version.legal_materials, len(required)),
        materials_required=len(required),
        materials_to_upload=len(uploads),
        onsite_visits=version.onsite_visits,
    )
