"""The hotline's pages through Django's test client: who may open each page, and the main POSTs
(file on the portal and the mobile page, a phone call at the desk, dispatch, sign for, reply,
rate), with a refused action shown on its form and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jingchu.core.navigation import menu
from jingchu.hotline.actions import handling, intake, knowledge
from jingchu.hotline.choices import Channel, TicketStatus
from jingchu.hotline.models import KnowledgeArticle, RoutingRule, Ticket, TimeLimit
from jingchu.hotline.tests.conftest import CITIZEN_PHONE

pytestmark = pytest.mark.django_db
World = dict[str, Any]

ADDRESS = "武汉市洪山区珞喻路1号"
COMPLAINT = {"caller_name": "张先生", "caller_phone": CITIZEN_PHONE, "kind": "complaint",
             "urgency": "normal", "title": "商场拒绝退货",
             "content": "在商场购买的电饭煲有质量问题，商家拒绝退货，请市场监管部门处理。",
             "address": ADDRESS, "category": "market-consumer"}


def user(world: World, name: str) -> Any:
    return world["users"][name]


def phone_ticket(world: World, kind: str = "complaint", phone: str = "13900001111") -> Ticket:
    ticket = intake.do_file_ticket(
        user(world, "operator"), channel=Channel.PHONE, kind=kind, title="商场拒绝退货",
        content="购买的电饭煲有质量问题，商家拒绝退货。", address=ADDRESS,
        caller_name="王女士", caller_phone=phone, category="market-consumer",
        centre=world["centre"])
    # Fixed here so that routing does not depend on address matching (tested in test_geo).
    Ticket.objects.filter(pk=ticket.pk).update(region=world["hongshan"])
    ticket.refresh_from_db()
    return ticket


def at_department(world: World, **kwargs: Any) -> Ticket:
    ticket = handling.do_dispatch_ticket(user(world, "operator"), phone_ticket(world, **kwargs))
    assert ticket.organization == world["orgs"]["wh-scjg"]
    return ticket


# --- the portal and the mobile page ---------------------------------------------------------


def test_anonymous_caller_files_on_the_portal_and_sees_the_number(client, hotline_world):
    url = reverse("hotline:portal")
    assert client.get(url).status_code == 200
    done = client.post(url, {"kind": "help", "title": "路灯不亮",
                             "content": "小区门口路灯坏了一个星期。", "address": ADDRESS,
                             "caller_name": "李四", "caller_phone": "13912345678"})
    assert done.status_code == 302 and done["Location"] == reverse("hotline:filed")
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB and ticket.person is None
    assert ticket.caller_phone == "13912345678"
    assert ticket.number in client.get(done["Location"]).content.decode()


def test_signed_in_citizen_files_on_the_mobile_page_with_the_account_prefilled(
        client, hotline_world):
    client.force_login(user(hotline_world, "citizen"))
    url = reverse("hotline:mobile")
    page = client.get(url).content.decode()
    assert CITIZEN_PHONE in page and "张小明" in page
    done = client.post(url, {"kind": "consult", "title": "公积金提取",
                             "content": "租房提取公积金需要什么材料？",
                             "caller_name": "", "caller_phone": ""})
    assert done.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.MOBILE
    assert ticket.person == user(hotline_world, "citizen").person
    mine = client.get(reverse("hotline:mine")).content.decode()
    assert ticket.number in mine


def test_anonymous_caller_must_give_name_and_phone(client, hotline_world):
    response = client.post(reverse("hotline:portal"), {
        "kind": "help", "title": "路灯不亮", "content": "路灯坏了。"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"caller_name", "caller_phone"}
    assert not Ticket.objects.exists()


def test_portal_refusal_shows_on_the_form_and_writes_nothing(client, hotline_world):
    response = client.post(reverse("hotline:portal"), {
        "kind": "help", "title": "路灯不亮", "content": "路灯坏了。",
        "caller_name": "李四", "caller_phone": "12345"})
    assert response.status_code == 400
    assert response.context["form"].errors["caller_phone"]
    assert not Ticket.objects.exists()


# --- my tickets -------------------------------------------------------------------------------


def test_my_tickets_needs_a_citizen(client, hotline_world):
    url = reverse("hotline:mine")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(user(hotline_world, "operator"))
    assert client.get(url).status_code == 403


def test_citizen_sees_the_reply_and_rates_it(client, hotline_world):
    ticket = at_department(hotline_world, phone=CITIZEN_PHONE)
    assert ticket.person == user(hotline_world, "citizen").person  # linked by the phone
    handler = user(hotline_world, "amr_handler")
    handling.do_reply_ticket(handler, handling.do_sign_ticket(handler, ticket),
                             reply="已责令商家退货。")
    client.force_login(user(hotline_world, "citizen"))
    page = client.get(reverse("hotline:my_ticket", kwargs={"uid": ticket.uid}))
    assert page.status_code == 200 and "已责令商家退货。" in page.content.decode()
    rate_url = reverse("hotline:rate", kwargs={"uid": ticket.uid})
    bad = client.post(rate_url, {"satisfaction": "thrilled"})
    assert bad.status_code == 400
    done = client.post(rate_url, {"satisfaction": "satisfied", "comment": "很快"})
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.satisfaction == "satisfied"


def test_another_person_may_not_see_or_rate_my_ticket(client, hotline_world):
    ticket = at_department(hotline_world, phone=CITIZEN_PHONE)
    for name in ("outsider", "amr_handler", "operator"):
        client.force_login(user(hotline_world, name))
        assert client.get(reverse("hotline:my_ticket", kwargs={"uid": ticket.uid})
                          ).status_code == 403
        assert client.post(reverse("hotline:rate", kwargs={"uid": ticket.uid}),
                           {"satisfaction": "satisfied"}).status_code == 403
    ticket.refresh_from_db()
    assert not ticket.satisfaction


# --- the operator's desk --------------------------------------------------------------------


DESK_PAGES = ["hotline:desk", "hotline:tickets", "hotline:returned"]


@pytest.mark.parametrize("name", DESK_PAGES)
def test_desk_pages_are_for_operators(client, hotline_world, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    for outsider in ("outsider", "citizen", "amr_handler"):
        client.force_login(user(hotline_world, outsider))
        assert client.get(url).status_code == 403
    client.force_login(user(hotline_world, "operator"))
    assert client.get(url).status_code == 200


def test_operator_files_a_phone_complaint_linked_to_the_caller(client, hotline_world):
    client.force_login(user(hotline_world, "operator"))
    done = client.post(reverse("hotline:desk"), COMPLAINT)
    ticket = Ticket.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("hotline:ticket", kwargs={"uid": ticket.uid})
    assert ticket.channel == Channel.PHONE and ticket.status == TicketStatus.RECEIVED
    assert ticket.category is not None and ticket.category.code == "market-consumer"
    assert ticket.person == user(hotline_world, "citizen").person
    page = client.get(done["Location"]).content.decode()
    # the dispatch form is preselected with the routing table's organization
    assert f'value="{hotline_world["orgs"]["wh-scjg"].uid}" selected' in page


def test_desk_refuses_an_outsider_posting_a_call(client, hotline_world):
    client.force_login(user(hotline_world, "outsider"))
    assert client.post(reverse("hotline:desk"), COMPLAINT).status_code == 403
    assert not Ticket.objects.exists()


def _article(world: World) -> KnowledgeArticle:
    return knowledge.do_save_article(
        user(world, "supervisor"), title="住房公积金提取需要哪些材料",
        answer="租房提取住房公积金需提供身份证和租房合同。", keywords="公积金 提取 租房")


def test_fragments_show_knowledge_suggestions_and_similar_tickets(client, hotline_world):
    article = _article(hotline_world)
    earlier = phone_ticket(hotline_world)
    client.force_login(user(hotline_world, "operator"))
    query = {"kind": "consult", "title": "公积金提取", "content": "租房提取公积金要什么材料",
             "address": ADDRESS}
    kb = client.get(reverse("hotline:desk_knowledge"), query).content.decode()
    assert str(article.uid) in kb and 'name="answer"' in kb
    suggest = client.get(reverse("hotline:desk_suggest"), query)
    assert suggest.status_code == 200 and "洪山区" in suggest.content.decode()
    similar = client.get(reverse("hotline:desk_similar"), {
        "title": earlier.title, "content": earlier.content, "address": ADDRESS})
    assert earlier.number in similar.content.decode()
    client.force_login(user(hotline_world, "outsider"))
    for name in ("hotline:desk_suggest", "hotline:desk_similar"):
        assert client.get(reverse(name), query).status_code == 403


def test_answer_and_close_from_the_knowledge_base(client, hotline_world):
    article = _article(hotline_world)
    client.force_login(user(hotline_world, "operator"))
    call = {**COMPLAINT, "kind": "consult", "title": "公积金提取", "content": "要什么材料？",
            "category": "", "answer": str(article.uid)}
    done = client.post(reverse("hotline:desk"), call)
    assert done.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.CLOSED and ticket.answered_from == article


def test_answer_refused_for_a_complaint_files_nothing(client, hotline_world):
    article = _article(hotline_world)
    client.force_login(user(hotline_world, "operator"))
    response = client.post(reverse("hotline:desk"), {**COMPLAINT, "answer": str(article.uid)})
    assert response.status_code in (400, 409)
    assert response.context["form"].errors
    assert not Ticket.objects.exists()


def test_file_and_merge_into_a_similar_ticket(client, hotline_world):
    earlier = phone_ticket(hotline_world)
    client.force_login(user(hotline_world, "operator"))
    done = client.post(reverse("hotline:desk"), {**COMPLAINT, "merge_into": str(earlier.uid)})
    assert done.status_code == 302
    duplicate = Ticket.objects.exclude(pk=earlier.pk).get()
    assert duplicate.status == TicketStatus.MERGED and duplicate.merged_into == earlier


def test_operator_dispatches_and_outsiders_may_not(client, hotline_world):
    ticket = phone_ticket(hotline_world)
    url = reverse("hotline:dispatch", kwargs={"uid": ticket.uid})
    page_url = reverse("hotline:ticket", kwargs={"uid": ticket.uid})
    for name in ("outsider", "amr_handler", "citizen"):
        client.force_login(user(hotline_world, name))
        assert client.get(page_url).status_code == 403
        assert client.post(url, {"category": "market-consumer"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RECEIVED
    client.force_login(user(hotline_world, "operator"))
    amr = hotline_world["orgs"]["wh-scjg"]
    done = client.post(url, {"category": "market-consumer", "organization": str(amr.uid)})
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED and ticket.organization == amr


def test_redispatch_to_the_returning_department_without_a_note_is_refused(
        client, hotline_world):
    ticket = at_department(hotline_world)
    handling.do_return_ticket(user(hotline_world, "amr_handler"), ticket, reason="不属于本单位")
    client.force_login(user(hotline_world, "operator"))
    amr = hotline_world["orgs"]["wh-scjg"]
    response = client.post(reverse("hotline:dispatch", kwargs={"uid": ticket.uid}),
                           {"organization": str(amr.uid), "note": ""})
    assert response.status_code >= 400
    assert response.context["dispatch_form"].errors
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED and ticket.organization is None


# --- the department's queue -----------------------------------------------------------------


def test_queue_is_for_handlers(client, hotline_world):
    url = reverse("hotline:queue")
    assert client.get(url).status_code == 302
    for name in ("citizen", "amr_steward"):
        client.force_login(user(hotline_world, name))
        assert client.get(url).status_code == 403
    client.force_login(user(hotline_world, "amr_handler"))
    assert client.get(url).status_code == 200


def test_handler_signs_for_and_replies_with_the_caller_masked(client, hotline_world):
    ticket = at_department(hotline_world, phone=CITIZEN_PHONE)
    client.force_login(user(hotline_world, "amr_handler"))
    assert ticket.number in client.get(reverse("hotline:queue")).content.decode()
    page = client.get(reverse("hotline:queue_ticket", kwargs={"uid": ticket.uid}))
    body = page.content.decode()
    assert page.status_code == 200 and CITIZEN_PHONE not in body and "138****8000" in body
    assert client.post(reverse("hotline:sign", kwargs={"uid": ticket.uid})).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.HANDLING
    empty = client.post(reverse("hotline:reply", kwargs={"uid": ticket.uid}), {"reply": ""})
    assert empty.status_code == 400
    done = client.post(reverse("hotline:reply", kwargs={"uid": ticket.uid}),
                       {"reply": "已约谈商家，同意退货。"})
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPLIED and ticket.reply == "已约谈商家，同意退货。"


def test_other_departments_may_not_open_or_sign(client, hotline_world):
    ticket = at_department(hotline_world)
    for name in ("outsider", "cg_handler", "amr_steward", "citizen"):
        client.force_login(user(hotline_world, name))
        assert client.get(reverse("hotline:queue_ticket", kwargs={"uid": ticket.uid})
                          ).status_code == 403
        assert client.post(reverse("hotline:sign", kwargs={"uid": ticket.uid})
                           ).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED


def test_a_reporter_is_hidden_from_the_department(client, hotline_world):
    ticket = at_department(hotline_world, kind="report")
    client.force_login(user(hotline_world, "amr_handler"))
    body = client.get(reverse("hotline:queue_ticket", kwargs={"uid": ticket.uid})
                      ).content.decode()
    assert "王女士" not in body and "1111" not in body


def test_extension_request_refused_by_the_action_shows_on_the_form(client, hotline_world):
    ticket = at_department(hotline_world)
    client.force_login(user(hotline_world, "amr_handler"))
    url = reverse("hotline:request_extension", kwargs={"uid": ticket.uid})
    # not signed for yet: the action refuses (wrong state) and nothing is written
    response = client.post(url, {"working_days": "5", "reason": "需现场核查"})
    assert response.status_code == 409
    assert response.context["extension_form"].non_field_errors()
    assert not ticket.extensions.exists()


# --- supervisors ----------------------------------------------------------------------------


SUPERVISOR_PAGES = ["hotline:extensions", "hotline:overdue", "hotline:routes",
                    "hotline:limits", "hotline:articles", "hotline:article_new"]


@pytest.mark.parametrize("name", SUPERVISOR_PAGES)
def test_supervisor_pages(client, hotline_world, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    for other in ("operator", "amr_approver", "citizen"):
        client.force_login(user(hotline_world, other))
        assert client.get(url).status_code == 403
    client.force_login(user(hotline_world, "supervisor"))
    assert client.get(url).status_code == 200


def test_supervisor_sets_and_deletes_a_route(client, hotline_world):
    client.force_login(user(hotline_world, "supervisor"))
    hongshan, org = hotline_world["hongshan"], hotline_world["orgs"]["hs-cgj"]
    done = client.post(reverse("hotline:routes"), {"category": "transport",
                                                   "region": hongshan.code,
                                                   "organization": str(org.uid)})
    assert done.status_code == 302
    assert RoutingRule.objects.get(category__code="transport", region=hongshan).organization == org
    client.post(reverse("hotline:delete_route"), {"category": "transport",
                                                  "region": hongshan.code})
    assert not RoutingRule.objects.filter(category__code="transport", region=hongshan).exists()


def test_time_limit_refusal_shows_on_the_form(client, hotline_world):
    client.force_login(user(hotline_world, "supervisor"))
    url = reverse("hotline:limits")
    both = client.post(url, {"kind": "help", "urgency": "normal", "working_days": "3",
                             "hours": "8", "sign_working_days": "1"})
    assert both.status_code == 400 and both.context["form"].errors
    assert not TimeLimit.objects.exists()
    done = client.post(url, {"kind": "help", "urgency": "normal", "working_days": "3",
                             "sign_working_days": "1"})
    assert done.status_code == 302 and TimeLimit.objects.get(kind="help").working_days == 3


def test_supervisor_writes_and_edits_an_article(client, hotline_world):
    client.force_login(user(hotline_world, "supervisor"))
    done = client.post(reverse("hotline:article_new"), {
        "title": "如何查询社保缴费记录", "answer": "登录湖北政务服务网查询。",
        "keywords": "社保 缴费", "category": "labour-insurance", "is_active": "on"})
    assert done.status_code == 302
    article = KnowledgeArticle.objects.get()
    edit = reverse("hotline:article_edit", kwargs={"uid": article.uid})
    assert "如何查询社保缴费记录" in client.get(edit).content.decode()
    client.post(edit, {"title": article.title, "answer": "在手机上查询。", "is_active": ""})
    article.refresh_from_db()
    assert article.answer == "在手机上查询。" and not article.is_active


# --- the menu ---------------------------------------------------------------------------------


def test_menu_entries_follow_the_permissions(client, hotline_world):
    urls = {name: [url for _label, url in menu(user(hotline_world, name))]
            for name in ("citizen", "operator", "amr_handler")}
    assert reverse("hotline:mine") in urls["citizen"]
    assert reverse("hotline:desk") not in urls["citizen"]
    assert reverse("hotline:desk") in urls["operator"]
    assert reverse("hotline:queue") in urls["amr_handler"]
    assert reverse("hotline:queue") not in urls["citizen"]
    # the supervisors' pages are on the desk's own menu
    routes = f'href="{reverse("hotline:routes")}"'
    client.force_login(user(hotline_world, "operator"))
    assert routes not in client.get(reverse("hotline:desk")).content.decode()
    client.force_login(user(hotline_world, "supervisor"))
    assert routes in client.get(reverse("hotline:desk")).content.decode()
