"""Bulk import of existing licences: a good file imports whole and every licence verifies; one
bad row of any kind imports nothing and the report names every bad row; outsiders are refused;
progress ends at the total; the command line and the pages."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse
from django.utils import timezone

from jingchu.conftest import is_postgres
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.identifiers import make_id_number
from jingchu.core.models import AuditEvent
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LegalEntity, Person
from jingchu.ledger.models import Entry
from jingchu.licenses import actions, content, identifiers, imports
from jingchu.licenses.choices import ImportStatus
from jingchu.licenses.models import License, LicenseImport, LicenseType, StatusList
from jingchu.licenses.tests.conftest import make_staff
from jingchu.seals import actions as seal_actions
from jingchu.seals import crypto as seal_crypto
from jingchu.seals import service as seals
from jingchu.seals import ses
from jingchu.seals.models import SealUse

pytestmark = pytest.mark.django_db
HEADER = "holder_code,holder_name,number,issued_on,valid_from,valid_until,license_no,class"
PEOPLE = 5


@pytest.fixture
def world(licence_world):
    """licence_world, five more registered people, an approver of 武汉市公安局 (issues driving
    licences) and an approver of another organization."""
    people = []
    for n in range(PEOPLE):
        number = make_id_number("420102", dt.date(1980 + n, 5, 1 + n), 100 + n, n % 2 == 0)
        people.append(identity_actions.do_register_person(None, name=f"持证人{n}",
                                                          id_number=number))
    return {
        "orgs": licence_world, "people": people,
        "type": LicenseType.objects.get(key="DRIVING_LICENSE"),
        "importer": make_staff("gaj_importer", licence_world["wh-gaj"], StaffRole.APPROVER),
        "outsider": make_staff("amr_approver", licence_world["wh-scjg"], StaffRole.APPROVER),
        "clerk": make_staff("gaj_clerk2", licence_world["wh-gaj"], StaffRole.WINDOW_CLERK),
    }


def _line(person, number, *, code=None, name=None, issued="2020-03-01", valid_from="",
          valid_until="", licence_no="420100000001", klass="C1"):
    return ",".join([code if code is not None else str(person.id_number),
                     name if name is not None else person.name, number, issued, valid_from,
                     valid_until, licence_no, klass])


def _good_csv(world, count=None, prefix="JZ"):
    people = world["people"]
    lines = [_line(people[i % len(people)], f"{prefix}{i:05d}", licence_no=f"4201{i:08d}")
             for i in range(count or len(people))]
    return "\n".join([HEADER, *lines]).encode()


def _create(world, payload, *, actor=None, filename="driving.csv", org="wh-gaj",
            key="DRIVING_LICENSE"):
    return actions.do_create_import(actor or world["importer"],
                                    license_type=LicenseType.objects.get(key=key),
                                    issuer=world["orgs"][org], filename=filename,
                                    payload=payload)


def _import_licences(imp):
    return License.objects.filter(issuer=imp.issuer, license_type=imp.license_type,
                                  number__startswith="JZ")


def test_a_good_file_imports_every_licence_signed_on_two_workers(world):
    imp = _create(world, _good_csv(world, 12))
    assert (imp.status, imp.total_rows) == (ImportStatus.PENDING, 12)
    seen = []
    imp = actions.do_run_import(world["importer"], imp, workers=2,
                                progress=lambda *args: seen.append(args))
    imp.refresh_from_db()
    assert (imp.status, imp.imported, imp.done_rows, imp.rejected_rows) == (
        ImportStatus.DONE, 12, 12, [])
    assert seen[-1] == ("sign", 12, 12) and ("check", 12, 12) in seen
    lics = list(_import_licences(imp).select_related("seal", "license_type", "issuer",
                                                     "holder_person").order_by("serial"))
    assert len(lics) == 12
    assert [lic.serial for lic in lics] == list(range(lics[0].serial, lics[0].serial + 12))
    assert len({lic.status_index for lic in lics}) == 12
    seal = actions.issuer_seal(imp.license_type, imp.issuer).seal
    for lic in lics:
        assert identifiers.is_valid_license_id(lic.identifier)
        result = seals.verify(content.signed_bytes(lic), bytes(lic.signature),
                              expected_seal=seal)
        assert result.valid, (lic.number, result.code)
        assert result.document_name == lic.identifier
    first = lics[0]
    assert first.holder_person == world["people"][0] and first.holder_name == "持证人0"
    assert first.issued_on == first.valid_from == dt.date(2020, 3, 1)
    assert first.valid_until == dt.date(2030, 2, 28)  # the type's ten years
    assert first.data == {"license_no": "420100000000", "class": "C1"}
    assert SealUse.objects.filter(seal=seal, document_name__in=[lic.identifier for lic in lics]
                                  ).count() == 12
    entries = {e.object_id: json.loads(e.payload) for e in Entry.objects.filter(
        kind="license.issued", object_type="licenses.license")}
    for lic in lics:  # each licence's ledger entry names it and commits to its content
        assert entries[str(lic.uid)]["identifier"] == lic.identifier
        assert entries[str(lic.uid)]["content_sm3"] == seal_crypto.sm3(
            content.signed_bytes(lic)).hex()
    done = AuditEvent.objects.get(action="licenses.import.done", object_id=str(imp.uid))
    assert (done.details["imported"], done.details["serials"]) == (
        12, [lics[0].serial, lics[-1].serial])
    batches = [lics[at:at + actions.IMPORT_BATCH] for at in range(0, 12, actions.IMPORT_BATCH)]
    assert done.details["signatures_sm3"] == seal_crypto.sm3(b"".join(
        seal_crypto.sm3(b"".join(bytes(lic.signature) for lic in batch))
        for batch in batches)).hex()
    assert not imports._store().exists(imports._key(imp))  # the file is gone


def test_a_signed_import_detects_tampering(world):
    imp = actions.do_run_import(world["importer"], _create(world, _good_csv(world, 2)),
                                workers=1)
    lic = _import_licences(imp).first()
    lic.data["class"] = "A1"
    assert seals.verify(content.signed_bytes(lic), bytes(lic.signature)).code == "hash_mismatch"


def _reserved(world):
    row = StatusList.objects.filter(issuer=world["orgs"]["wh-gaj"], purpose="revocation").first()
    return row.next_index if row else 0


def test_one_bad_row_of_each_kind_imports_nothing_and_every_bad_row_is_reported(world):
    people = world["people"]
    issued = actions.do_run_import(world["importer"], _create(world, _good_csv(world, 1, "OLD")),
                                   workers=1)
    assert issued.status == ImportStatus.DONE
    stranger = make_id_number("420106", dt.date(1990, 1, 1), 7, True)
    bad_digit = str(people[1].id_number)[:17] + ("0" if str(people[1].id_number)[17] != "0"
                                                 else "1")
    lines = [
        _line(people[0], "JZ1"),                                  # 1 good
        _line(people[1], "JZ2", code=bad_digit),                  # 2 check digit
        _line(people[2], "JZ3", klass=""),                        # 3 data: class missing
        _line(people[3], "JZ4", code=stranger),                   # 4 unknown holder
        _line(people[4], "JZ5"),                                  # 5 duplicate number ...
        _line(people[0], "JZ5"),                                  # 6 ... of row 5
        _line(people[1], "JZ7", name="别人"),                     # 7 not the holder's name
        _line(people[2], "JZ8", issued="2020-13-01"),             # 8 not a date
        _line(people[3], "OLD00000"),                             # 9 number issued already
        _line(people[4], "JZ10", valid_from="2021-01-01", valid_until="2020-01-01"),  # 10
    ]
    before = (License.objects.count(), SealUse.objects.count(), _reserved(world))
    imp = actions.do_run_import(world["importer"],
                                _create(world, "\n".join([HEADER, *lines]).encode()))
    imp.refresh_from_db()
    assert (imp.status, imp.imported, imp.done_rows) == (ImportStatus.REJECTED, 0, 0)
    assert (License.objects.count(), SealUse.objects.count(), _reserved(world)) == before
    report = {item["row"]: item["errors"] for item in imp.rejected_rows}
    assert sorted(report) == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    expected = {2: "holder_code:", 3: "class:", 4: "holder_code:", 5: "number:", 6: "number:",
                7: "holder_name:", 8: "issued_on:", 9: "number:", 10: "valid_until:"}
    for row, prefix in expected.items():
        assert any(error.startswith(prefix) for error in report[row]), (row, report[row])
    assert "5, 6" in " ".join(report[6])
    assert AuditEvent.objects.filter(action="licenses.import.reject",
                                     object_id=str(imp.uid)).count() == 1


def test_rows_checked_on_forked_workers_give_the_same_report(world, monkeypatch):
    people = world["people"]
    lines = [_line(people[i % PEOPLE], f"JZ{i}", klass="" if i in (3, 8) else "C1")
             for i in range(10)]
    payload = "\n".join([HEADER, *lines]).encode()
    reports = []
    for parallel_from, workers in ((1000, 1), (1, 2)):
        monkeypatch.setattr(imports, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(imports, "CHECK_CHUNK", 3)
        seen: list[tuple[str, int, int]] = []
        imp = actions.do_run_import(world["importer"], _create(world, payload), workers=workers,
                                    progress=lambda *args, seen=seen: seen.append(args))
        assert imp.status == ImportStatus.REJECTED
        assert seen == [("check", n, 10) for n in (3, 6, 9, 10)]
        reports.append(imp.rejected_rows)
    assert reports[0] == reports[1] and [item["row"] for item in reports[0]] == [4, 9]


def test_outsiders_and_clerks_are_refused(world):
    payload = _good_csv(world, 2)
    for who in ("outsider", "clerk"):
        with pytest.raises(NotPermitted):
            _create(world, payload, actor=world[who])
    assert not LicenseImport.objects.exists()
    imp = _create(world, payload)
    with pytest.raises(NotPermitted):
        actions.do_run_import(world["outsider"], imp)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PENDING and not _import_licences(imp).exists()


@pytest.mark.parametrize(("payload", "code"), [
    (b"holder_code,holder_name\n", "file_columns"),
    (f"{HEADER},colour\n".encode(), "file_columns"),
    (HEADER.encode(), "file_empty"),
    ("持证人".encode("gbk"), "file_not_utf8"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(world, payload, code):
    with pytest.raises(ActionError) as caught:
        _create(world, payload)
    assert (caught.value.code, caught.value.status) == (code, 400)
    assert not LicenseImport.objects.exists()


def test_an_organization_that_does_not_issue_the_type_is_refused(world):
    with pytest.raises(ActionError) as caught:
        _create(world, _good_csv(world, 1), key="BUSINESS_LICENSE")
    assert (caught.value.code, caught.value.status) == ("not_an_issuer", 409)


def test_an_import_runs_once(world):
    imp = actions.do_run_import(world["importer"], _create(world, _good_csv(world, 1)),
                                workers=1)
    with pytest.raises(ActionError) as caught:
        actions.do_run_import(world["importer"], imp)
    assert (caught.value.code, caught.value.status) == ("import_not_pending", 409)


def test_json_lines_of_legal_entities(world):
    entity = LegalEntity.objects.get()
    approver = make_staff("amr_importer", world["orgs"]["wh-scjg"], StaffRole.APPROVER)
    rows = [{"holder_code": entity.uscc, "holder_name": entity.name, "number": f"JZ-B{n}",
             "issued_on": "2019-06-0" + str(n + 1), "entity_name": entity.name,
             "legal_representative": "王五", "registered_capital": 500 + n,
             "company_type": "llc"} for n in range(3)]
    rows.append({"holder_code": entity.uscc[:17] + "0", "holder_name": entity.name,
                 "number": "JZ-B9", "issued_on": "2019-06-09", "colour": "red"})
    payload = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
    imp = actions.do_run_import(approver, _create(world, payload, actor=approver,
                                                  filename="b.jsonl", org="wh-scjg",
                                                  key="BUSINESS_LICENSE"), workers=1)
    assert imp.status == ImportStatus.REJECTED
    assert [item["row"] for item in imp.rejected_rows] == [4]
    assert any("colour" in e for e in imp.rejected_rows[0]["errors"])
    imp = actions.do_run_import(approver, _create(
        world, "\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:3]).encode(),
        actor=approver, filename="b.jsonl", org="wh-scjg", key="BUSINESS_LICENSE"))
    assert imp.status == ImportStatus.DONE
    lic = License.objects.get(number="JZ-B2")
    assert lic.holder_entity == entity and lic.valid_until is None
    assert lic.data["registered_capital"] == 502
    assert seals.verify(content.signed_bytes(lic), bytes(lic.signature)).valid


def test_a_seal_revoked_before_the_run_fails_the_import_whole(world):
    imp = _create(world, _good_csv(world, 3))
    seal = actions.issuer_seal(imp.license_type, imp.issuer).seal
    seal_actions.do_revoke_seal(None, seal, reason="lost")
    with pytest.raises(ActionError) as caught:
        actions.do_run_import(world["importer"], imp)
    assert caught.value.status == 409
    imp.refresh_from_db()
    assert (imp.status, imp.done_rows) == (ImportStatus.FAILED, 0)
    assert imp.rejected_rows[0]["row"] == 0
    assert not _import_licences(imp).exists()


def test_the_command_imports_with_a_progress_bar_and_a_summary(world, tmp_path):
    path = tmp_path / "driving.csv"
    path.write_bytes(_good_csv(world, 4))
    out, err = io.StringIO(), io.StringIO()
    call_command("licenses", "import", str(path), "--type", "DRIVING_LICENSE",
                 "--issuer", world["orgs"]["wh-gaj"].uscc, "--user", "gaj_importer",
                 "--workers", "1", stdout=out, stderr=err)
    assert "Imported 4 licence(s) of DRIVING_LICENSE" in out.getvalue()
    assert "checking [" in err.getvalue() and "signing  [" + "#" * 30 + "]" in err.getvalue()
    assert _import_licences(LicenseImport.objects.get()).count() == 4


def test_the_command_prints_the_rejected_rows_and_fails(world, tmp_path):
    path = tmp_path / "driving.csv"
    path.write_bytes(_good_csv(world, 2) + b"\n110101199001011234,nobody,JZ9,2020-01-01,,,1,C1")
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("licenses", "import", str(path), "--type", "DRIVING_LICENSE",
                     "--issuer", world["orgs"]["wh-gaj"].uscc, "--user", "gaj_importer",
                     stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("row 3: holder_code:")
    assert not License.objects.filter(number__startswith="JZ").exists()


def test_the_ses_template_makes_the_same_bytes_as_asn1crypto(world):
    seal = actions.issuer_seal(world["type"], world["orgs"]["wh-gaj"]).seal
    now = timezone.now()
    document = "一份证照".encode() * 100
    digest, der = seal_actions.SesTemplate.for_seal(seal, now).seal(document, "证照 1.2.156")
    value = ses.load_signature(der)["signature"].native
    tbs = ses.to_sign(bytes(seal.seal_data), now, seal_crypto.sm3(document),
                      seal_actions.property_info("证照 1.2.156", len(document)),
                      bytes(seal.certificate))
    assert der == ses.signature(tbs, value) and digest == seal_crypto.sm3(document)


def test_forked_workers_draw_their_own_nonces(world):
    """Identical documents signed in two forked workers: every SM2 signature differs (a nonce
    repeated across workers would give away the seal's private key)."""
    seal = actions.issuer_seal(world["type"], world["orgs"]["wh-gaj"]).seal
    batches = [(n, [(f"same-{n}-{i}", b"same content") for i in range(10)]) for n in range(6)]
    with transaction.atomic():
        out = list(seals.sign_many(None, seal, batches, workers=2))
    assert [tag for tag, _, _ in out] == list(range(6))
    assert all(extras == [None] * 10 for _, _, extras in out)
    values = [ses.load_signature(der)["signature"].native for _, ders, _ in out for der in ders]
    assert len(values) == len(set(values)) == 60
    assert seals.verify(b"same content", out[5][1][9]).valid
    assert SealUse.objects.filter(document_name__startswith="same-").count() == 60


def test_a_batch_too_large_is_refused_with_nothing_written(world):
    seal = actions.issuer_seal(world["type"], world["orgs"]["wh-gaj"]).seal
    batch = [(f"d{i}", b"x") for i in range(seal_actions.BATCH_MAX + 1)]
    with pytest.raises(ActionError) as caught, transaction.atomic():
        list(seals.sign_many(None, seal, [(0, batch[:3]), (1, batch)], workers=1))
    assert caught.value.code == "batch_size"
    assert not SealUse.objects.filter(document_name__startswith="d").exists()


# --- pages ----------------------------------------------------------------------------------

def _upload(client, world, payload, name="driving.csv"):
    upload = io.BytesIO(payload)
    upload.name = name
    return client.post(reverse("licenses:imports"), {
        "license_type": "DRIVING_LICENSE", "issuer": str(world["orgs"]["wh-gaj"].uid),
        "file": upload})


def _upload_and_run(client, world, payload, capture):
    """The upload; the import task runs when it commits (in-process: tasks are eager)."""
    with capture(execute=True):
        return _upload(client, world, payload)


def test_the_import_page_uploads_runs_and_shows_the_result(
        client, world, django_capture_on_commit_callbacks):
    client.force_login(world["importer"])
    assert client.get(reverse("licenses:imports")).status_code == 200
    response = _upload_and_run(client, world, _good_csv(world, 3),
                               django_capture_on_commit_callbacks)
    imp = LicenseImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("licenses:import_detail", kwargs={"uid": imp.uid})
    page = client.get(response.url).content.decode()
    assert 'data-status="done"' in page and "hx-trigger" not in page
    fragment = client.get(reverse("licenses:import_progress", kwargs={"uid": imp.uid}))
    assert 'value="3" max="3"' in fragment.content.decode()
    assert _import_licences(imp).count() == 3


def test_the_import_page_lists_rejected_rows(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["importer"])
    payload = _good_csv(world, 2) + b"\n110101199001011234,nobody,JZ9,2020-01-01,,,1,C1"
    response = client.get(_upload_and_run(client, world, payload,
                                          django_capture_on_commit_callbacks).url)
    page = response.content.decode()
    assert 'data-status="rejected"' in page and 'id="rejected-rows"' in page
    assert "<td>3</td>" in page


def test_a_pending_import_polls_its_progress(client, world):
    client.force_login(world["importer"])
    imp = _create(world, _good_csv(world, 2))
    fragment = client.get(reverse("licenses:import_progress", kwargs={"uid": imp.uid}))
    assert 'hx-trigger="every 1s"' in fragment.content.decode()


def test_outsiders_cannot_see_or_use_the_import_pages(client, world):
    imp = _create(world, _good_csv(world, 2))
    client.force_login(world["outsider"])  # may import for 武汉市市场监管局, not 公安局
    assert client.get(reverse("licenses:import_detail", kwargs={"uid": imp.uid})
                      ).status_code == 404
    assert client.get(reverse("licenses:import_progress", kwargs={"uid": imp.uid})
                      ).status_code == 404
    assert _upload(client, world, _good_csv(world, 2)).status_code == 400
    assert LicenseImport.objects.count() == 1
    client.force_login(world["clerk"])
    assert client.get(reverse("licenses:imports")).status_code == 403
    client.force_login(Person.objects.get(user__username="zhangsan").user)
    assert client.get(reverse("licenses:imports")).status_code == 403


# --- progress a poller can see during the one transaction (PostgreSQL) ----------------------

@pytest.mark.skipif(not is_postgres(), reason="SQLite admits one writer: the counter moves at "
                                              "the commit there (imports.ProgressBoard)")
@pytest.mark.django_db(transaction=True)
def test_a_poller_sees_the_progress_but_no_licence_before_the_commit(world):
    imp = _create(world, _good_csv(world, 2 * actions.IMPORT_BATCH + 10))
    seen: list[tuple[int, int, int]] = []

    def poll(stage, done, total):
        if stage != "sign" or seen:
            return
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT done_rows FROM licenses_licenseimport WHERE id = %s",
                               [imp.pk])
                counter = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM licenses_license WHERE number LIKE 'JZ%%'")
                visible = cursor.fetchone()[0]
        finally:
            other.close()
        seen.append((done, counter, visible))

    imp = actions.do_run_import(world["importer"], imp, workers=2, progress=poll)
    assert imp.status == ImportStatus.DONE
    assert seen == [(actions.IMPORT_BATCH, actions.IMPORT_BATCH, 0)]
