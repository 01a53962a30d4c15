"""The licences in force an entity holds (jingchu.licenses.holders), as the entity page and the
API show them: valid and within their dates only, never another holder's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jingchu.cases.tests.conftest import PASSWORD, catalog, make_staff  # noqa: F401
from jingchu.identity.choices import StaffRole
from jingchu.licenses import actions as licence_actions
from jingchu.licenses.holders import licences_in_force
from jingchu.licenses.models import License
from jingchu.licenses.tests.conftest import held_licences, licence_world  # noqa: F401
from jingchu.supervision.actions import catalog as catalog_actions

pytestmark = pytest.mark.django_db


def test_licences_in_force(held_licences: dict[str, Any]) -> None:  # noqa: F811
    business = License.objects.get(license_type__key="BUSINESS_LICENSE")
    entity = business.holder_entity
    today = timezone.localdate()
    [held] = licences_in_force(entity)
    assert (held.identifier, held.type_name, held.valid_until) == (
        business.identifier, "营业执照", None)
    assert held.issuer_name == business.issuer.name
    # Not yet valid, expired, suspended: not in force.
    License.objects.filter(pk=business.pk).update(valid_from=today + dt.timedelta(days=1))
    assert licences_in_force(entity) == []
    License.objects.filter(pk=business.pk).update(valid_from=today - dt.timedelta(days=9),
                                                  valid_until=today - dt.timedelta(days=1))
    assert licences_in_force(entity) == []
    assert len(licences_in_force(entity, today - dt.timedelta(days=2))) == 1
    License.objects.filter(pk=business.pk).update(valid_until=today)
    assert len(licences_in_force(entity)) == 1  # valid through its last day
    approver = make_staff("lic_approver", business.issuer, StaffRole.APPROVER)
    licence_actions.do_change_status(approver, License.objects.get(pk=business.pk), "suspend",
                                     reason="责令停业整顿")
    assert licences_in_force(entity) == []
    # A person's licences are never an entity's.
    assert all(lic.holder_entity_id is None for lic in License.objects.exclude(pk=business.pk))


def test_the_entity_page_and_api_show_them(held_licences: dict[str, Any]) -> None:  # noqa: F811
    business = License.objects.get(license_type__key="BUSINESS_LICENSE")
    entity = business.holder_entity
    assert entity is not None
    leader = make_staff("sv_leader", held_licences["wh-scjg"], StaffRole.APPROVER)
    catalog_actions.do_create_item(leader, organization=held_licences["wh-scjg"],
                                   code="SC-100", name="企业公示信息检查",
                                   legal_basis="《企业信息公示暂行条例》", method="documents")
    entry = catalog_actions.do_register_entity(leader, legal_entity=entity, industry="services")
    client = Client()
    assert client.login(username="sv_leader", password=PASSWORD)
    page = client.get(reverse("supervision:entity", kwargs={"uid": entry.uid}))
    text = page.content.decode()
    assert "营业执照" in text
    assert reverse("licenses:verify", kwargs={"identifier": business.identifier}) in text
    detail = client.get(f"/api/v1/supervision/entities/{entity.uscc}").json()
    assert [lic["identifier"] for lic in detail["licences"]] == [business.identifier]
