"""Helpers and fixtures of the applicant-side tests (apply, materials, my cases, counter)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from jingchu.cases.models import Case, CaseEvent, CaseMaterial
from jingchu.core.models import AuditEvent
from jingchu.services import eforms

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
    schema = case.version.form_schema
    values: dict[str, str] = {}
    for field in eforms.fields(schema):
        prop = schema["properties"][field.name]
        if field.choices:
            values[field.name] = field.choices[0][0]
        elif prop["type"] == "boolean":
            values[field.name] = "true"
        elif prop["type"] in {"integer", "number"}:
            values[field.name] = str(max(1, prop.get("minimum", 1)))
        elif prop.get("format") == "date":
            values[field.name] = "2026-12-01"
        elif prop.get("format") == "email":
            values[field.name] = "a@example.cn"
        elif "pattern" in prop and "1[3-9]" in prop["pattern"]:
            values[field.name] = "13871234567"
        elif "pattern" in prop and "[0-9]{17}" in prop["pattern"]:
            values[field.name] = "420102198803150215"
        elif "pattern" in prop:
            values[field.name] = "91420102MA4K7Q2B0X"
        else:
            values[field.name] = "测试内容"[: prop.get("maxLength", 10)]
    return values | overrides
