"""The seal pages: list, detail, create, status, sealing, downloads and the public verify page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jingchu.seals import service
from jingchu.seals.choices import SealStatus
from jingchu.seals.models import Seal, SealUse

pytestmark = pytest.mark.django_db


def test_list_and_menu(client, world, amr_seal, hrss_seal):
    assert client.get(reverse("seals:list")).status_code == 302  # to the sign-in page
    client.force_login(world["users"]["clerk_amr"])
    page = client.get(reverse("seals:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert amr_seal.es_id in html and hrss_seal.es_id not in html
    assert f'href="{reverse("seals:list")}"' in html  # the menu
    assert reverse("seals:new") not in html


def test_citizens_have_no_seal_pages(client, world, amr_seal):
    from jingchu.identity.demo import load_personas

    load_personas(world["orgs"])
    from jingchu.identity.models import User

    client.force_login(User.objects.get(username="zhangsan"))
    assert client.get(reverse("seals:list")).status_code == 403
    assert client.get(reverse("seals:detail", kwargs={"uid": amr_seal.uid})).status_code == 403
    assert client.get(reverse("seals:new")).status_code == 403
    home = client.get("/").content.decode()
    assert f'href="{reverse("seals:list")}"' not in home
    assert f'href="{reverse("seals:verify")}"' in home


def test_detail_is_for_the_organizations_staff(client, world, amr_seal):
    url = reverse("seals:detail", kwargs={"uid": amr_seal.uid})
    client.force_login(world["users"]["approver_hrss"])
    assert client.get(url).status_code == 403
    client.force_login(world["users"]["clerk_amr"])
    html = client.get(url).content.decode()
    assert "<svg" in html and amr_seal.es_id in html and "BEGIN CERTIFICATE" in html
    assert 'id="seal-sign"' not in html and reverse("seals:status", kwargs={
        "uid": amr_seal.uid}) not in html
    client.force_login(world["users"]["admin_amr"])
    html = client.get(url).content.decode()
    assert 'id="seal-sign"' in html and 'value="revoke"' in html


def test_create_page(client, world):
    org = world["orgs"]["wh-scjg"]
    client.force_login(world["users"]["approver_amr"])
    assert client.get(reverse("seals:new")).status_code == 403
    client.force_login(world["users"]["admin_amr"])
    page = client.get(reverse("seals:new")).content.decode()
    assert org.name in page and world["orgs"]["wh-rsj"].name not in page
    # Posting another organization's uid is refused by the form's choices.
    other = client.post(reverse("seals:new"), {"organization": world["orgs"]["wh-rsj"].uid,
                                               "kind": "official"})
    assert other.status_code == 400 and not Seal.objects.exists()
    made = client.post(reverse("seals:new"), {"organization": org.uid, "kind": "official"})
    seal = Seal.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse(
        "seals:detail", kwargs={"uid": seal.uid})
    again = client.post(reverse("seals:new"), {"organization": org.uid, "kind": "official"})
    assert again.status_code == 409 and Seal.objects.count() == 1


def test_status_changes_on_the_page(client, world, amr_seal):
    url = reverse("seals:status", kwargs={"uid": amr_seal.uid})
    client.force_login(world["users"]["approver_amr"])
    assert client.post(url, {"action": "suspend", "reason": "x"}).status_code == 403
    client.force_login(world["users"]["admin_amr"])
    assert client.post(url, {"action": "suspend", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "suspend", "reason": "核查"}).status_code == 302
    amr_seal.refresh_from_db()
    assert amr_seal.status == SealStatus.SUSPENDED
    assert client.post(url, {"action": "suspend", "reason": "again"}).status_code == 409


def test_seal_a_file_and_download_the_signature(client, world, amr_seal):
    url = reverse("seals:sign", kwargs={"uid": amr_seal.uid})
    client.force_login(world["users"]["clerk_amr"])
    refused = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF a")})
    assert refused.status_code == 403 and not SealUse.objects.exists()
    client.force_login(world["users"]["approver_amr"])
    done = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF a")})
    use = SealUse.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"#use-{use.uid}")
    assert use.document_name == "a.pdf" and use.actor == world["users"]["approver_amr"]
    download = reverse("seals:use_signature", kwargs={"uid": use.uid})
    file = client.get(download)
    assert file.status_code == 200 and file.content == bytes(use.signature)
    client.force_login(world["users"]["approver_hrss"])
    assert client.get(download).status_code == 403
    assert service.verify(b"%PDF a", file.content).valid


def test_public_verify_page_and_certificates(client, world, amr_seal):
    signature = service.sign(None, amr_seal, b"doc", "doc.txt")
    assert client.get(reverse("seals:verify")).status_code == 200

    def verify(content: bytes) -> str:
        page = client.post(reverse("seals:verify"), {
            "file": SimpleUploadedFile("doc.txt", content),
            "signature": SimpleUploadedFile("doc.ses", signature)})
        assert page.status_code == 200
        return page.content.decode()

    assert 'data-code="valid"' in verify(b"doc")
    assert 'data-code="hash_mismatch"' in verify(b"dog")
    missing = client.post(reverse("seals:verify"), {"file": SimpleUploadedFile("d", b"d")})
    assert missing.status_code == 400
    root = client.get(reverse("seals:root_certificate"))
    assert root.status_code == 200 and root.content.decode() == service.root_certificate_pem()
    cert = client.get(reverse("seals:certificate", kwargs={"uid": amr_seal.uid}))
    assert cert.content.decode() == service.seal_certificate_pem(amr_seal)
