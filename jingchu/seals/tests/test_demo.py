"""The demo's seals: loaded twice, the second run changes nothing and audits nothing."""

from __future__ import annotations

import pytest

from jingchu.core.demo import DemoContext
from jingchu.core.models import AuditEvent
from jingchu.seals import demo, service
from jingchu.seals.choices import SealKind
from jingchu.seals.models import Seal, SealKey, TrustRoot

pytestmark = pytest.mark.django_db


def test_demo_seals_load_once(demo_orgs):
    ctx = DemoContext(orgs=demo_orgs)
    demo.load_demo(ctx)
    assert TrustRoot.objects.count() == 1 and Seal.objects.count() == len(demo.SEALS)
    for key in ("hb-scjg", "wh-scjg", "wh-rsj"):
        assert service.seal_for(demo_orgs[key], SealKind.LICENSE) is not None
    assert service.seal_for(demo_orgs["wh-scjg"], SealKind.OFFICIAL) is not None
    rows = (Seal.objects.count(), SealKey.objects.count(), AuditEvent.objects.count())
    demo.load_demo(ctx)
    assert (Seal.objects.count(), SealKey.objects.count(), AuditEvent.objects.count()) == rows
    assert "(0 new)" in ctx.report[-1]
    seal = service.seal_for(demo_orgs["wh-scjg"], SealKind.LICENSE)
    assert seal is not None
    assert service.verify(b"x", service.sign(None, seal, b"x", "x.txt")).valid
