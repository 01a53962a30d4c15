"""Helpers and fixtures of the applicant-side tests (apply, materials, my cases, counter)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from jingchu.cases.models import Case, CaseEvent, CaseMaterial
from jingchu.core.models import AuditEvent
from jingchu.services.tests.sample_forms import posted_values

ENTERPRISE_START = "000172002000"  # 企业开办: both kinds, 全省通办 at 武汉市市场监管局
SOLE_TRADER = "000172001000"  # 个体工商户设立登记: persons only, 全市通办 at 江岸区市场监管局
FOOD_PRODUCTION = "000172004000"  # 食品生产许可: legal entities, 定点办理 (宜昌, 襄阳, 武汉)
RESIDENCE_PERMIT = "000105001000"  # 居住证申领: persons of 16 and over

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def snapshot(root: Path | None = None) -> dict[str, int]:
    """How many rows (and files) exist now: a refusal must leave every figure as it was."""
    counts = {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "materials": CaseMaterial.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
    if root is not None:
        counts["files"] = len(files_in(root))
    return counts


def upload(name: str = "lease.pdf", content: bytes = PDF,
           content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def fill(case: Case, **overrides: str) -> dict[str, str]:
    """Valid posted values for the case's form, as a browser would send them."""
    return posted_values(case.version.form_schema) | overrides


