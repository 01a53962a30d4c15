"""Issuing a licence, one at a time or by bulk import, appends "license.issued" entries that
name the licence and commit to its signed content, and carry nothing personal."""

from __future__ import annotations

import hashlib
import json

import pytest

from jingchu.core.models import AuditEvent
from jingchu.ledger import checks
from jingchu.ledger.models import Entry
from jingchu.licenses import actions as licence_actions
from jingchu.licenses import content
from jingchu.licenses.models import License
from jingchu.licenses.tests.conftest import (  # noqa: F401 - fixtures
    catalog,
    held_licences,
    licence_world,
)
from jingchu.licenses.tests.test_import import _create, _good_csv, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _holder_values(lic: License) -> list[str]:
    return [lic.holder_name, content.holder_code(lic)]


def test_every_issued_licence_has_its_entry_without_personal_data(held_licences):  # noqa: F811
    lics = list(License.objects.select_related("license_type", "issuer", "holder_person",
                                               "holder_entity"))
    assert lics
    entries = {json.loads(e.payload)["identifier"]: e
               for e in Entry.objects.filter(kind="license.issued")}
    assert set(entries) == {lic.identifier for lic in lics}
    for lic in lics:
        entry = entries[lic.identifier]
        body = json.loads(entry.payload)
        assert set(body) == {"identifier", "type_code", "issuer_uscc", "content_sm3",
                             "issued_at"}
        assert body["type_code"] == lic.license_type.type_code
        assert body["issuer_uscc"] == lic.issuer.uscc
        assert body["content_sm3"] == hashlib.new(
            "sm3", content.signed_bytes(lic)).hexdigest()
        assert (entry.object_type, entry.object_id) == ("licenses.license", str(lic.uid))
        for value in _holder_values(lic):
            assert value not in entry.payload
    assert checks.check_log() is None


def test_a_bulk_import_appends_one_batch_per_signed_batch(world):  # noqa: F811
    before = Entry.objects.count()
    imp = _create(world, _good_csv(world, 12))
    licence_actions.do_run_import(world["importer"], imp, workers=1)
    lics = {lic.identifier: lic for lic in License.objects.filter(number__startswith="JZ")
            .select_related("license_type", "issuer", "holder_person", "holder_entity")}
    added = list(Entry.objects.filter(index__gte=before).order_by("index"))
    assert len(added) == 12 == len(lics)
    for entry in added:
        body = json.loads(entry.payload)
        lic = lics[body["identifier"]]
        assert body["content_sm3"] == hashlib.new(
            "sm3", content.signed_bytes(lic)).hexdigest()
        for value in _holder_values(lic):
            assert value not in entry.payload
    batches = -(-12 // licence_actions.IMPORT_BATCH)
    assert AuditEvent.objects.filter(action="ledger.entry.append",
                                     details__kind="license.issued").count() >= batches
    assert checks.check_log() is None
