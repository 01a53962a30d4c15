"""Materials: type and size limits by content, SHA-256, storage under MEDIA_ROOT/cases/, no
orphan file on failure, removal after commit, files served only to those who may see the case."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from jingchu.cases import actions
from jingchu.cases.actions import materials as material_actions
from jingchu.cases.models import CaseMaterial
from jingchu.cases.tests.applicant_helpers import (
    ENTERPRISE_START,
    JPEG,
    PDF,
    PNG,
    SOLE_TRADER,
    files_in,
    fill,
    snapshot,
    upload,
)
from jingchu.cases.tests.conftest import implementation, make_staff
from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User
from jingchu.services.choices import MaterialSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(catalog):
    zhangsan = User.objects.get(username="zhangsan")
    return actions.do_create_draft(
        zhangsan, implementation=implementation(SOLE_TRADER, "wh-ja-scjg", catalog),
        applicant=zhangsan.person)


def _lease(case):
    return case.version.materials.get(name__startswith="经营场所使用证明")


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("租赁合同.pdf", PDF, "application/pdf"),
    ("photo.PNG", PNG, "image/png"),
    ("scan.jpeg", JPEG, "image/jpeg"),
])
def test_attach_records_digest_and_stores_under_cases(draft, media, name, content, content_type):
    material = actions.do_attach_material(draft.applicant.user, draft, _lease(draft),
                                          upload(name, content, "application/octet-stream"))
    assert material.sha256 == hashlib.sha256(content).hexdigest()
    assert (material.content_type, material.size, material.filename) == (
        content_type, len(content), name)
    stored = files_in(media)
    assert len(stored) == 1 and stored[0].read_bytes() == content
    assert stored[0].relative_to(media).parts[0] == "cases"
    assert str(draft.uid) in material.file.name and name not in material.file.name
    assert AuditEvent.objects.filter(action="cases.material.attach").count() == 1


def _refused(case, actor, requirement, uploaded, media, code):
    before = snapshot(media)
    with pytest.raises(ActionError) as refused:
        actions.do_attach_material(actor, case, requirement, uploaded)
    assert refused.value.code == code
    assert snapshot(media) == before


@pytest.mark.parametrize(("uploaded", "code"), [
    (upload("empty.pdf", b""), "file_empty"),
    (upload("virus.pdf", b"MZ\x90\x00" + b"\x00" * 40), "file_type"),
    (upload("page.html", b"<html><script>alert(1)</script></html>", "text/html"), "file_type"),
    (upload("image.pdf", PNG), "file_extension_mismatch"),
    (upload("doc.exe", PDF), "file_extension_mismatch"),
])
def test_bad_files_are_refused_with_nothing_written(draft, media, uploaded, code):
    _refused(draft, draft.applicant.user, _lease(draft), uploaded, media, code)


def test_size_limit_from_settings(draft, media, settings):
    settings.UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    _refused(draft, draft.applicant.user, _lease(draft), upload("big.pdf", big), media,
             "file_too_large")
    settings.UPLOAD_MAX_MB = 2
    actions.do_attach_material(draft.applicant.user, draft, _lease(draft), upload("big.pdf", big))


def test_a_licence_not_held_electronically_is_uploaded_as_a_scan(draft, media, catalog):
    # No licence is issued in this test: the ID card is uploaded (when the applicant holds it
    # electronically the upload is refused: jingchu/licenses/tests/test_reuse.py).
    licence = draft.version.materials.get(source=MaterialSource.LICENSE)
    material = actions.do_attach_material(draft.applicant.user, draft, licence, upload())
    assert material.source == MaterialSource.UPLOAD and material.requirement == licence


def test_no_upload_for_shared_data_nor_other_items(draft, media, catalog):
    other_version = implementation(ENTERPRISE_START, "wh-scjg", catalog).item.current_version
    assert other_version is not None
    foreign = other_version.materials.filter(source=MaterialSource.UPLOAD).first()
    _refused(draft, draft.applicant.user, foreign, upload(), media, "requirement_unknown")


def test_outsider_and_submitted_case_refused(draft, media):
    lisi = User.objects.get(username="lisi")
    _refused(draft, lisi, _lease(draft), upload(), media, "permission_denied")
    zhangsan = draft.applicant.user
    actions.do_save_form(zhangsan, draft, fill(draft))
    actions.do_attach_material(zhangsan, draft, _lease(draft), upload())
    actions.do_transition(zhangsan, draft, "submit")
    _refused(draft, zhangsan, _lease(draft), upload(), media, "not_editable")


def test_failed_database_write_leaves_no_orphan_file(draft, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(material_actions.audit, "record", broken)
    before = snapshot(media)
    with pytest.raises(RuntimeError):
        actions.do_attach_material(draft.applicant.user, draft, _lease(draft), upload())
    assert snapshot(media) == before


def test_remove_deletes_the_file_once_committed(draft, media, django_capture_on_commit_callbacks):
    zhangsan = draft.applicant.user
    material = actions.do_attach_material(zhangsan, draft, _lease(draft), upload())
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_remove_material(zhangsan, draft, material)
    assert not CaseMaterial.objects.exists() and files_in(media) == []
    assert AuditEvent.objects.filter(action="cases.material.remove").count() == 1


def test_refused_removal_keeps_row_and_file(draft, media, django_capture_on_commit_callbacks):
    material = actions.do_attach_material(draft.applicant.user, draft, _lease(draft), upload())
    before = snapshot(media)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionError):
        actions.do_remove_material(User.objects.get(username="lisi"), draft, material)
    assert snapshot(media) == before


def test_upload_and_remove_through_the_pages(client, draft, media):
    client.force_login(draft.applicant.user)
    url = reverse("cases:upload", args=[draft.uid])
    lease = _lease(draft)
    response = client.post(url, {"requirement": str(lease.uid), "file": upload()})
    assert response.status_code == 302 and CaseMaterial.objects.count() == 1
    before = snapshot(media)
    client.post(url, {"requirement": str(lease.uid), "file": upload("x.pdf", b"GIF89a")})
    assert snapshot(media) == before
    material = CaseMaterial.objects.get()
    client.post(reverse("cases:remove_material", args=[draft.uid, material.uid]))
    assert not CaseMaterial.objects.exists()


def test_outsider_cannot_upload_through_the_page(client, draft, media):
    client.force_login(User.objects.get(username="lisi"))
    before = snapshot(media)
    response = client.post(reverse("cases:upload", args=[draft.uid]),
                           {"requirement": str(_lease(draft).uid), "file": upload()})
    assert response.status_code == 404 and snapshot(media) == before


def test_file_is_served_only_to_those_who_may_view_the_case(client, draft, media, catalog):
    material = actions.do_attach_material(draft.applicant.user, draft, _lease(draft),
                                          upload("租赁合同.pdf"))
    url = reverse("cases:material", args=[draft.uid, material.uid])
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(draft.applicant.user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert not AuditEvent.objects.filter(action="cases.material.read").exists()
    client.force_login(User.objects.get(username="lisi"))
    assert client.get(url).status_code == 404
    reviewer = make_staff("ja_reviewer", catalog["wh-ja-scjg"], StaffRole.REVIEWER)
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="cases.material.read", actor=reviewer).count() == 1
    # Never at a public URL.
    assert client.get("/media/" + material.file.name).status_code == 404
