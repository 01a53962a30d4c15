"""The wallet (我的证照) and the issuing staff's pages, with the refusals for outsiders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jingchu.identity.models import LegalEntity
from jingchu.identity.services import SESSION_ACTING_KEY
from jingchu.licenses import actions, content
from jingchu.licenses.choices import LicenseStatus, UseKind
from jingchu.licenses.models import License, LicenseShare, LicenseUse

pytestmark = pytest.mark.django_db


def _detail(lic: License) -> str:
    return reverse("licenses:detail", kwargs={"identifier": lic.identifier})


def _issued_detail(lic: License) -> str:
    return reverse("licenses:issued_detail", kwargs={"identifier": lic.identifier})


def _act_for_enterprise(client) -> None:
    session = client.session
    session[SESSION_ACTING_KEY] = str(LegalEntity.objects.get().uid)
    session.save()


def test_the_wallet_lists_my_licences_only(client, wallet_world):
    users, lics = wallet_world["users"], wallet_world["licences"]
    assert client.get(reverse("licenses:wallet")).status_code == 302
    client.force_login(users["zhangsan"])
    page = client.get(reverse("licenses:wallet"))
    html = page.content.decode()
    assert page.status_code == 200
    assert lics["driving"].identifier in html and "居民身份证" in html
    assert lics["id_lisi"].identifier not in html and lics["business"].identifier not in html
    assert f'href="{reverse("licenses:wallet")}"' in html  # the menu
    assert f'href="{reverse("licenses:issued")}"' not in html


def test_acting_for_the_enterprise_shows_its_licences(client, wallet_world):
    users, business = wallet_world["users"], wallet_world["licences"]["business"]
    client.force_login(users["lisi"])  # the enterprise's authorized agent
    assert business.identifier not in client.get(reverse("licenses:wallet")).content.decode()
    _act_for_enterprise(client)
    html = client.get(reverse("licenses:wallet")).content.decode()
    assert 'id="entity-licences"' in html and business.identifier in html
    assert client.get(_detail(business)).status_code == 200
    client.force_login(users["zhangsan"])  # may not act for it
    assert client.get(_detail(business)).status_code == 404


def test_staff_have_no_wallet(client, wallet_world):
    client.force_login(wallet_world["users"]["gaj_clerk"])
    assert client.get(reverse("licenses:wallet")).status_code == 403
    home = client.get("/").content.decode()
    assert f'href="{reverse("licenses:issued")}"' in home
    assert f'href="{reverse("licenses:wallet")}"' not in home


def test_the_detail_page_is_for_the_holder(client, wallet_world):
    users, lic = wallet_world["users"], wallet_world["licences"]["driving"]
    client.force_login(users["zhangsan"])
    page = client.get(_detail(lic))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-code="valid"' in html and "档案编号" in html and "420100123456" in html
    assert content.holder_code(lic) not in html  # masked even for the holder
    assert reverse("licenses:pdf", kwargs={"identifier": lic.identifier}) in html
    assert 'id="share-form"' in html
    for outsider in ("lisi", "gaj_clerk", "approver_wh_amr"):
        client.force_login(users[outsider])
        assert client.get(_detail(lic)).status_code == 404
    client.force_login(users["zhangsan"])
    assert client.get(reverse("licenses:detail", kwargs={"identifier": "1.2.3"})
                      ).status_code == 404


def test_share_and_the_uses_the_holder_sees(client, wallet_world):
    users, orgs, lic = wallet_world["users"], wallet_world["orgs"], wallet_world["licences"][
        "driving"]
    bank = orgs["wh-rsj"]
    until = timezone.localdate() + dt.timedelta(days=10)
    client.force_login(users["lisi"])
    url = reverse("licenses:share", kwargs={"identifier": lic.identifier})
    post = {"organization": str(bank.uid), "reason": "办理社保卡", "until": until.isoformat()}
    assert client.post(url, post).status_code == 404
    client.force_login(users["zhangsan"])
    assert client.post(url, {**post, "reason": ""}).status_code == 400
    too_long = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    refused = client.post(url, {**post, "until": too_long})
    assert refused.status_code == 400 and not LicenseShare.objects.exists()
    done = client.post(url, post)
    assert done.status_code == 302 and done["Location"] == _detail(lic)
    share = LicenseShare.objects.get()
    assert (share.organization, share.reason, share.valid_until) == (bank, "办理社保卡", until)
    use = LicenseUse.objects.get(license=lic)
    assert use.kind == UseKind.SHARED and use.organization == bank
    html = client.get(_detail(lic)).content.decode()
    assert f'data-uid="{use.uid}"' in html and "办理社保卡" in html and bank.name in html
    withdraw = reverse("licenses:withdraw_share", kwargs={"uid": share.uid})
    client.force_login(users["lisi"])
    assert client.post(withdraw).status_code == 404
    client.force_login(users["zhangsan"])
    assert client.post(withdraw).status_code == 302
    share.refresh_from_db()
    assert share.withdrawn_at is not None


def test_a_revoked_licence_cannot_be_shared(client, wallet_world):
    users, lic = wallet_world["users"], wallet_world["licences"]["driving"]
    actions.do_change_status(users["gaj_approver"], lic, "revoke", reason="注销")
    client.force_login(users["zhangsan"])
    html = client.get(_detail(lic)).content.decode()
    assert 'id="share-form"' not in html and 'data-code="revoked"' in html
    post = {"organization": str(wallet_world["orgs"]["wh-rsj"].uid), "reason": "x",
            "until": timezone.localdate().isoformat()}
    response = client.post(reverse("licenses:share", kwargs={"identifier": lic.identifier}),
                            post)
    assert response.status_code == 409 and not LicenseShare.objects.exists()


# --- the issuing staff ----------------------------------------------------------------------


def test_the_issued_list_shows_my_organizations_licences(client, wallet_world):
    users, lics = wallet_world["users"], wallet_world["licences"]
    url = reverse("licenses:issued")
    client.force_login(users["zhangsan"])
    assert client.get(url).status_code == 403
    client.force_login(users["gaj_clerk"])
    html = client.get(url).content.decode()
    assert lics["driving"].identifier in html and lics["id_lisi"].identifier in html
    assert lics["business"].identifier not in html  # issued by the market regulator
    html = client.get(url, {"q": "李四"}).content.decode()
    assert lics["id_lisi"].identifier in html and lics["driving"].identifier not in html
    html = client.get(url, {"q": lics["driving"].identifier}).content.decode()
    assert lics["driving"].identifier in html and lics["id_lisi"].identifier not in html
    client.force_login(users["reviewer_wh_amr"])
    html = client.get(url).content.decode()
    assert lics["business"].identifier in html and lics["driving"].identifier not in html


def test_the_issued_list_is_paginated(client, wallet_world):
    from jingchu.licenses.views.issued import PAGE_SIZE

    client.force_login(wallet_world["users"]["gaj_clerk"])
    count = License.objects.filter(issuer=wallet_world["orgs"]["wh-gaj"]).count()
    assert client.get(reverse("licenses:issued")).context["page"].paginator.count == count
    assert count <= PAGE_SIZE  # the demo's few; the paginator's page size is what is tested
    page = client.get(reverse("licenses:issued"), {"page": "99"}).context["page"]
    assert page.number == 1


def test_staff_detail_and_status_changes(client, wallet_world):
    users, lic = wallet_world["users"], wallet_world["licences"]["driving"]
    status_url = reverse("licenses:change_status", kwargs={"identifier": lic.identifier})
    client.force_login(users["approver_wh_amr"])  # another organization
    assert client.get(_issued_detail(lic)).status_code == 404
    assert client.post(status_url, {"action": "revoke", "reason": "x"}).status_code == 404
    client.force_login(users["zhangsan"])  # the holder is not the issuer
    assert client.get(_issued_detail(lic)).status_code == 404
    client.force_login(users["gaj_clerk"])  # may see, may not change
    html = client.get(_issued_detail(lic)).content.decode()
    assert 'id="status-form"' not in html and content.holder_code(lic) not in html
    assert client.post(status_url, {"action": "revoke", "reason": "x"}).status_code == 403
    client.force_login(users["gaj_approver"])
    assert 'id="status-form"' in client.get(_issued_detail(lic)).content.decode()
    assert client.post(status_url, {"action": "suspend", "reason": ""}).status_code == 400
    assert client.post(status_url, {"action": "reinstate", "reason": "x"}).status_code == 409
    done = client.post(status_url, {"action": "suspend", "reason": "核查中"})
    assert done.status_code == 302
    lic.refresh_from_db()
    assert lic.status == LicenseStatus.SUSPENDED and lic.status_reason == "核查中"
    assert 'data-code="suspended"' in client.get(_issued_detail(lic)).content.decode()
    assert client.post(status_url, {"action": "revoke", "reason": "注销"}).status_code == 302
    lic.refresh_from_db()
    assert lic.status == LicenseStatus.REVOKED
    assert 'id="status-form"' not in client.get(_issued_detail(lic)).content.decode()
