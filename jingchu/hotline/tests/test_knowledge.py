"""The knowledge base: supervisors keep it, operators search it and answer consultations from
it at once (即时办结)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent, Notification, Region
from jingchu.hotline.actions import intake
from jingchu.hotline.actions.knowledge import do_answer_from_knowledge, do_save_article
from jingchu.hotline.choices import TicketStatus
from jingchu.hotline.models import KnowledgeArticle, Ticket
from jingchu.hotline.queries import search_knowledge
from jingchu.hotline.tests.test_intake import code_of, file_ticket, force, register_person

FUND_ANSWER = "提取住房公积金需携带身份证和银行卡，可在鄂汇办线上办理，一般3个工作日到账。"


def fund_article(**fields: Any) -> KnowledgeArticle:
    values: dict[str, Any] = {"title": "如何提取住房公积金", "answer": FUND_ANSWER,
                              "keywords": "公积金,提取,租房", "category": "housing-fund"}
    values.update(fields)
    return do_save_article(None, **values)


def consultation(actor: Any, **fields: Any) -> Ticket:
    return file_ticket(actor, kind="consult", title="公积金提取",
                       content="请问怎么提取住房公积金？需要什么材料？", **fields)


@pytest.mark.django_db
def test_supervisor_saves_and_updates_an_article(hotline_world: dict[str, Any]) -> None:
    supervisor = hotline_world["users"]["supervisor"]
    article = do_save_article(supervisor, title=" 如何提取住房公积金 ", answer=FUND_ANSWER,
                              category="housing-fund", policy="《住房公积金管理条例》")
    assert article.title == "如何提取住房公积金" and article.updated_by == supervisor
    assert code_of(article.category) == "housing-fund"
    same = do_save_article(supervisor, article, title="提取公积金", answer=FUND_ANSWER,
                           is_active=False)
    assert same.pk == article.pk and not same.is_active and same.category is None
    events = AuditEvent.objects.filter(action="hotline.knowledge.save").order_by("id")
    assert [e.details["created"] for e in events] == [True, False]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator", "amr_approver", "outsider", "citizen"])
def test_only_centre_supervisors_edit_the_knowledge_base(hotline_world: dict[str, Any],
                                                         who: str) -> None:
    with pytest.raises(NotPermitted):
        do_save_article(hotline_world["users"][who], title="问", answer="答")
    assert KnowledgeArticle.objects.count() == 0


@pytest.mark.django_db
def test_article_needs_a_title_and_an_answer(hotline_world: dict[str, Any]) -> None:
    supervisor = hotline_world["users"]["supervisor"]
    with translation.override("en"), pytest.raises(ActionError) as err:
        do_save_article(supervisor, title="问", answer=" ")
    assert (err.value.code, err.value.details) == ("answer_required", {"field": "answer"})
    with pytest.raises(ActionError) as err:
        do_save_article(supervisor, title="", answer="答")
    assert err.value.details == {"field": "title"}
    assert not AuditEvent.objects.filter(action="hotline.knowledge.save").exists()


@pytest.mark.django_db
def test_search_ranks_title_matches_first(hotline_world: dict[str, Any]) -> None:
    fund = fund_article()
    loan = fund_article(title="公积金贷款额度怎么算", keywords="贷款,额度",
                        answer="公积金贷款额度按缴存余额计算。")
    rent = fund_article(title="租房补贴申请", keywords="租房,补贴",
                        answer="租房补贴向街道申请；也可用租房提取公积金。")
    fund_article(title="提取公积金（旧）", is_active=False)
    yichang = Region.objects.get(code="420500000000")
    local = fund_article(title="宜昌公积金提取", region=yichang)
    found = search_knowledge("怎么提取公积金", region=hotline_world["hongshan"])
    assert found[0] == fund
    assert set(found) == {fund, loan, rent}  # no inactive article, none for another city
    assert local in search_knowledge("提取公积金", region=Region.objects.get(
        code="420502000000"))
    assert local not in search_knowledge("提取公积金")
    assert search_knowledge("") == []
    assert search_knowledge("提取公积金", limit=1) == [fund]


@pytest.mark.django_db
def test_operator_answers_a_consultation_at_once(hotline_world: dict[str, Any]) -> None:
    operator = hotline_world["users"]["operator"]
    citizen = hotline_world["users"]["citizen"]
    article = fund_article()
    ticket = consultation(citizen)
    other = register_person("赵六", "13700137000", 9, username="zhaoliu")
    duplicate = consultation(other.user)
    intake.do_merge_ticket(operator, duplicate, ticket)
    answered = do_answer_from_knowledge(operator, ticket, article, note="  另可拨打12329咨询。 ")
    assert answered.status == TicketStatus.CLOSED
    assert answered.reply == f"{FUND_ANSWER}\n\n另可拨打12329咨询。"
    assert answered.replied_on_time is True and answered.answered_from == article
    assert answered.closed_by == operator and answered.closed_at is not None
    assert code_of(answered.category) == "housing-fund"
    article.refresh_from_db()
    assert article.use_count == 1
    follower = Ticket.objects.get(pk=duplicate.pk)
    assert (follower.status, follower.reply) == (TicketStatus.CLOSED, answered.reply)
    assert follower.events.get(action="answered").details == {"via": ticket.number}
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "citizen", "zhaoliu"}
    assert answered.events.filter(action="answered").exists()
    audit = AuditEvent.objects.get(action="hotline.ticket.answer")
    assert audit.details["merged"] == [duplicate.number]


@pytest.mark.django_db
def test_answering_refusals(hotline_world: dict[str, Any]) -> None:
    operator = hotline_world["users"]["operator"]
    article = fund_article()
    ticket = consultation(AnonymousUser())
    for who in ("outsider", "amr_handler", "citizen"):
        with pytest.raises(NotPermitted):
            do_answer_from_knowledge(hotline_world["users"][who], ticket, article)
    complaint = file_ticket(AnonymousUser())
    with pytest.raises(ActionError) as err:
        do_answer_from_knowledge(operator, complaint, article)
    assert err.value.code == "not_a_consultation"
    retired = fund_article(title="旧答案", is_active=False)
    with pytest.raises(ActionError) as err:
        do_answer_from_knowledge(operator, ticket, retired)
    assert err.value.code == "article_inactive"
    force(ticket, status=TicketStatus.DISPATCHED)
    with pytest.raises(ActionError) as err:
        do_answer_from_knowledge(operator, ticket, article)
    assert err.value.code == "wrong_state"
    assert not Ticket.objects.filter(status=TicketStatus.CLOSED).exists()
    article.refresh_from_db()
    assert article.use_count == 0
