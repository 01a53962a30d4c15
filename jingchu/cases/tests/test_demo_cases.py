"""The demo cases: made through the actions in the states promised, with real PDF materials, and
idempotent, alone and as part of `jingchu demo`."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jingchu.cases import storage
from jingchu.cases.choices import CaseStatus, Decision
from jingchu.cases.demo import DEMO_CASES, find_demo_case, load_demo_cases, sample_pdf
from jingchu.cases.models import Case, CaseMaterial
from jingchu.core.demo import DemoContext, run_all
from jingchu.core.models import AuditEvent
from jingchu.reviews.choices import RectificationStatus
from jingchu.reviews.demo import load_case_ratings
from jingchu.reviews.models import Rectification, Review

pytestmark = pytest.mark.django_db

EXPECTED = {
    "residence-permit": CaseStatus.SUBMITTED,
    "social-security-card": CaseStatus.CORRECTION_REQUESTED,
    "enterprise-start": CaseStatus.UNDER_REVIEW,
    "enterprise-change": CaseStatus.COMPLETED,
    "unemployment-benefit": CaseStatus.COMPLETED,
    "work-injury": CaseStatus.SUSPENDED,
}


def _case(key: str, orgs: dict[str, Any]) -> Case:
    case = find_demo_case(key, orgs)
    assert case is not None, key
    return case


def _int(pattern: bytes, data: bytes) -> int:
    match = re.search(pattern, data)
    assert match is not None, pattern
    return int(match.group(1))


def test_sample_pdf_has_a_consistent_cross_reference_table():
    pdf = sample_pdf("Case (1) \\ test")
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.rstrip().endswith(b"%%EOF")
    start = _int(rb"startxref\n(\d+)\n", pdf)
    assert pdf[start:].startswith(b"xref\n0 6\n")
    offsets = [int(n) for n in re.findall(rb"(\d{10}) 00000 n ", pdf)]
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    length = _int(rb"/Length (\d+)", pdf)
    stream = pdf.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length and b"\\(1\\)" in stream


def test_demo_cases_reach_their_states_with_stored_pdfs(catalog):
    assert load_demo_cases(catalog) == len(DEMO_CASES)
    for key, status in EXPECTED.items():
        case = _case(key, catalog)
        assert case.status == status and case.number, key
    started = _case("enterprise-start", catalog)
    assert started.accepting_org == catalog["yc-zwzx"]  # 全省通办: accepted in another city
    assert started.handling_org == catalog["wh-scjg"] and started.claimed_by is not None
    assert started.on_behalf_of is not None
    assert _case("work-injury", catalog).clock_paused_on is not None
    assert _case("enterprise-change", catalog).decision == Decision.APPROVED
    correction = _case("social-security-card", catalog).events.get(
        action="request_correction")
    assert correction.details["problems"]
    materials = CaseMaterial.objects.filter(case__in=Case.objects.all())
    assert materials.count() >= 5
    for material in materials:
        with storage.backend().open(material.file.name) as handle:
            assert handle.read(5) == b"%PDF-"


def test_loading_the_demo_cases_twice_writes_nothing(catalog):
    load_demo_cases(catalog)
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    assert load_demo_cases(catalog) == 0
    assert Case.objects.count() == cases and AuditEvent.objects.count() == events


def test_a_bad_demo_rating_opens_a_rectification_and_rating_twice_adds_nothing(catalog):
    load_demo_cases(catalog)
    ctx = DemoContext(orgs=catalog)
    load_case_ratings(ctx)
    good = Review.objects.get(case=find_demo_case("enterprise-change", catalog))
    bad = Review.objects.get(case=find_demo_case("unemployment-benefit", catalog))
    assert good.level == 5 and not Rectification.objects.filter(review=good).exists()
    assert bad.level == 1 and bad.rater is not None and bad.rater.user is not None
    assert bad.rater.user.username == "zhangsan"
    rect = Rectification.objects.get(review=bad)
    assert rect.organization == catalog["wh-rsj"] and rect.status == RectificationStatus.OPEN
    before = AuditEvent.objects.count()
    load_case_ratings(ctx)
    assert Review.objects.count() == 2 and AuditEvent.objects.count() == before


def _demo_through_licences() -> str:
    """The demo's parts up to the licences (which give approved demo cases their licences), as
    `jingchu demo` runs them; its report. The whole command twice is
    core/tests/test_demo.py's, whose quiet audit trail holds for the cases too."""
    ctx = DemoContext()
    run_all(ctx, through="licenses")
    return "\n".join(ctx.report)


def test_the_demo_twice_makes_the_cases_once(db):
    assert "Demo cases: 6 (6 made now)" in _demo_through_licences()
    counts = (Case.objects.count(), Review.objects.count(), Rectification.objects.count())
    assert counts[0] == len(DEMO_CASES) and counts[2] == 1
    assert Review.objects.filter(case__isnull=False).count() == 2
    events = AuditEvent.objects.count()
    assert "Demo cases: 6 (0 made now)" in _demo_through_licences()
    assert (Case.objects.count(), Review.objects.count(), Rectification.objects.count()) == counts
    assert AuditEvent.objects.count() == events
