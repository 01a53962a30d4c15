"""Duplicates: finding similar open tickets in the same area, and merging one into another."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from jingchu.core.choices import RegionLevel
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent, Region
from jingchu.hotline.actions import intake
from jingchu.hotline.choices import Channel, TicketStatus
from jingchu.hotline.models import Ticket
from jingchu.hotline.queries import similar_open_tickets, similarity
from jingchu.hotline.tests.test_intake import file_ticket, force

NOISE = "珞喻路小区旁工地夜间施工噪音扰民，晚上十二点还在打桩"
NOISE_AGAIN = "珞喻路工地夜间施工噪音太大，半夜打桩扰民"
OTHER = "公积金提取需要哪些材料，办理流程是什么"


def noise_ticket(world: dict[str, Any], content: str, region: Region | None,
                 **fields: Any) -> Ticket:
    ticket = file_ticket(AnonymousUser(), kind="complaint", title="", content=content,
                         **fields)
    return force(ticket, region=region)


@pytest.mark.django_db
def test_similarity_is_the_cosine_of_word_sets() -> None:
    assert similarity({"a", "b"}, {"a", "b"}) == 1.0
    assert similarity({"a", "b", "c", "d"}, {"a"}) == 0.5
    assert similarity(set(), {"a"}) == 0.0


@pytest.mark.django_db
def test_similar_open_tickets_of_the_same_county(hotline_world: dict[str, Any]) -> None:
    hongshan = hotline_world["hongshan"]
    township = Region.objects.filter(parent=hongshan, level=RegionLevel.TOWNSHIP).first()
    same = noise_ticket(hotline_world, NOISE, hongshan)
    in_township = noise_ticket(hotline_world, NOISE_AGAIN, township)
    noise_ticket(hotline_world, NOISE, Region.objects.get(code="420102000000"))  # 江岸区
    noise_ticket(hotline_world, OTHER, hongshan)  # unrelated
    closed = noise_ticket(hotline_world, NOISE, hongshan)
    force(closed, status=TicketStatus.CLOSED)
    old = noise_ticket(hotline_world, NOISE, hongshan)
    force(old, created_at=timezone.now() - dt.timedelta(days=31))
    found = similar_open_tickets(text=NOISE, region=township)
    assert [t for t, _score in found] == [same, in_township]
    assert found[0][1] == 1.0 and 0.3 <= found[1][1] < 1.0
    assert [t for t, _s in similar_open_tickets(text=NOISE, region=hongshan,
                                                exclude=same)] == [in_township]
    assert similar_open_tickets(text=NOISE, region=hongshan, limit=1)[0][0] == same
    assert [t for t, _s in similar_open_tickets(text=NOISE, region=hongshan, days=60)][:2] \
        == [same, old]
    assert similar_open_tickets(text="", region=hongshan) == []


@pytest.mark.django_db
def test_a_city_level_region_matches_only_itself(hotline_world: dict[str, Any]) -> None:
    wuhan = hotline_world["wuhan"]
    at_city = noise_ticket(hotline_world, NOISE, wuhan)
    noise_ticket(hotline_world, NOISE, hotline_world["hongshan"])
    no_region = noise_ticket(hotline_world, NOISE, None)
    assert [t for t, _s in similar_open_tickets(text=NOISE, region=wuhan)] == [at_city]
    assert [t for t, _s in similar_open_tickets(text=NOISE, region=None)] == [no_region]


@pytest.mark.django_db
def test_operator_merges_a_duplicate(hotline_world: dict[str, Any]) -> None:
    operator = hotline_world["users"]["operator"]
    primary = file_ticket(hotline_world["users"]["citizen"], content=NOISE)
    duplicate = file_ticket(operator, channel=Channel.PHONE, content=NOISE_AGAIN)
    merged = intake.do_merge_ticket(operator, duplicate, primary)
    assert (merged.status, merged.merged_into) == (TicketStatus.MERGED, primary)
    assert list(primary.merged.all()) == [merged]
    assert merged.events.filter(action="merged").get().details["into"] == primary.number
    assert primary.events.filter(action="merged_in").get().details == {
        "ticket": duplicate.number}
    audit = AuditEvent.objects.get(action="hotline.ticket.merge")
    assert audit.actor == operator and audit.details["status_before"] == "received"


@pytest.mark.django_db
def test_a_dispatched_ticket_can_be_merged(hotline_world: dict[str, Any]) -> None:
    operator = hotline_world["users"]["operator"]
    primary = file_ticket(AnonymousUser(), content=NOISE)
    dispatched = force(file_ticket(AnonymousUser(), content=NOISE_AGAIN),
                       status=TicketStatus.DISPATCHED,
                       organization=hotline_world["orgs"]["hs-cgj"])
    merged = intake.do_merge_ticket(operator, dispatched, primary)
    assert merged.status == TicketStatus.MERGED
    assert merged.events.get(action="merged").organization == hotline_world["orgs"]["hs-cgj"]
    # A ticket merged into it follows along when it is merged in turn.
    third = file_ticket(AnonymousUser(), content=NOISE)
    intake.do_merge_ticket(operator, primary, third)
    assert Ticket.objects.get(pk=merged.pk).merged_into == primary


@pytest.mark.django_db
def test_merge_refusals(hotline_world: dict[str, Any]) -> None:
    operator = hotline_world["users"]["operator"]
    a = file_ticket(AnonymousUser(), content=NOISE)
    b = file_ticket(AnonymousUser(), content=NOISE_AGAIN)
    for who in ("outsider", "amr_handler", "citizen"):
        with pytest.raises(NotPermitted):
            intake.do_merge_ticket(hotline_world["users"][who], b, a)
    cases = []
    with pytest.raises(ActionError) as err:
        intake.do_merge_ticket(operator, a, a)
    cases.append(err.value.code)
    elsewhere = file_ticket(AnonymousUser(), content=NOISE, address="")  # province centre
    with pytest.raises(ActionError) as err:
        intake.do_merge_ticket(operator, b, elsewhere)
    cases.append(err.value.code)
    force(a, status=TicketStatus.REPLIED)
    with pytest.raises(ActionError) as err:
        intake.do_merge_ticket(operator, b, a)
    cases.append(err.value.code)
    with pytest.raises(ActionError) as err:
        intake.do_merge_ticket(operator, a, b)
    cases.append(err.value.code)
    assert cases == ["merge_self", "merge_other_centre", "merge_target_closed", "wrong_state"]
    assert err.value.status == 409
    c = file_ticket(AnonymousUser(), content=NOISE)
    intake.do_merge_ticket(operator, c, b)
    d = file_ticket(AnonymousUser(), content=NOISE)
    with pytest.raises(ActionError) as err:
        intake.do_merge_ticket(operator, d, c)  # c follows b now
    assert err.value.code == "merge_target_closed"
    assert Ticket.objects.filter(status=TicketStatus.MERGED).count() == 1
