"""The hotline's part of `jingchu demo`: the Wuhan and province centres, the shipped categories
routed to Wuhan's departments, staff personas, knowledge articles and some 60 tickets of the
last 30 days in every state, each made through the actions with the clock set back.

Idempotent: centres, routes, staff and articles are looked up before they are made, and a
ticket is known by its title (each ticket's story runs in one transaction, so it is there in
full or not at all). Deterministic: callers' names and phones come from a seeded generator and
every time is an offset from the moment the loader runs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jingchu.core.democlock import clock
from jingchu.core.models import Organization, Region
from jingchu.hotline import classify, routing
from jingchu.hotline.actions import callback, config, handling, intake, knowledge, supervision
from jingchu.hotline.choices import Channel, TicketStatus
from jingchu.hotline.demo_data import ARTICLES, TICKETS, DemoTicket
from jingchu.hotline.models import Category, Centre, KnowledgeArticle, RoutingRule, Ticket
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.demo import DEMO_PASSWORD
from jingchu.identity.models import Staff, User
from jingchu.services.models import ServiceItem

WUHAN, HONGSHAN, PROVINCE = "420100000000", "420111000000", "420000000000"
# department kind of a category → the Wuhan organization that handles it
WUHAN_ROUTES = {
    "market": "wh-scjg", "hrss": "wh-rsj", "medical_insurance": "wh-ybj", "health": "wh-wjw",
    "housing": "wh-zgj", "housing_fund": "wh-gjj", "natural_resources": "wh-zrzyj",
    "urban_management": "wh-cgw", "environment": "wh-sthjj", "transport": "wh-jtj",
    "public_security": "wh-gaj", "education": "wh-jyj", "civil_affairs": "wh-mzj",
    "tax": "wh-swj", "government_service": "wh-zwb",
}
# username, name, organization key, role, description (for the logins table)
STAFF = [
    ("hotline_operator", "江晓话", "wh-12345", StaffRole.WINDOW_CLERK, "Operator, 武汉12345"),
    ("hotline_supervisor", "汉督办", "wh-12345", StaffRole.APPROVER, "Supervisor, 武汉12345"),
    ("cgw_handler", "程城管", "wh-cgw", StaffRole.REVIEWER, "Handler, 武汉市城管执法委"),
    ("hs_cgj_handler", "洪执法", "hs-cgj", StaffRole.REVIEWER, "Handler, 洪山区城管执法局"),
    ("sthjj_handler", "苏环保", "wh-sthjj", StaffRole.REVIEWER, "Handler, 武汉市生态环境局"),
    ("zgj_handler", "朱住建", "wh-zgj", StaffRole.REVIEWER, "Handler, 武汉市住房和城市更新局"),
    ("jtj_handler", "贾交通", "wh-jtj", StaffRole.REVIEWER, "Handler, 武汉市交通运输局"),
]
# The identity app's personas handle market regulation and labour tickets.
EXISTING_HANDLERS = {"wh-scjg": "reviewer_wh_amr", "wh-rsj": "reviewer_wh_hrss"}
# Where a wrong first dispatch goes, for the tickets that are returned (退单).
WRONG_FIRST = {"returned": "wh-cgw", "redispatched": "wh-sthjj"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "桂兰", "海燕", "俊杰", "丽华", "文斌", "晓东", "玉梅"]
REPLY_HOURS = {"consult": 6, "help": 30}  # others: 50; a late reply: LATE_HOURS
OTHER_REPLY_HOURS, LATE_HOURS = 50, 240


# --- set-up -----------------------------------------------------------------------------


@dataclass
class World:
    orgs: dict[str, Organization]
    centre: Centre
    operator: User
    supervisor: User
    handlers: dict[int, User]  # organization pk → a handler
    citizens: dict[str, User]
    now: dt.datetime
    rng: random.Random = field(default_factory=lambda: random.Random(12345))


def _centre(org: Organization, region: Region, name: str) -> Centre:
    found = Centre.objects.filter(organization=org).first()
    return found or config.do_create_centre(None, organization=org, region=region, name=name)


def _categories() -> int:
    """Load the shipped categories unless every one of them is there already."""
    shipped = json.loads(config.CATEGORIES_FILE.read_text(encoding="utf-8"))["categories"]
    have = set(Category.objects.values_list("code", flat=True))
    if all(row["code"] in have for row in shipped):
        return len(have)
    return config.do_load_categories(None)


def _route(category: Category | None, region: Region | None, org: Organization) -> None:
    if not RoutingRule.objects.filter(category=category, region=region,
                                      organization=org).exists():
        config.do_set_route(None, category=category, region=region, organization=org)


def _routes(orgs: dict[str, Organization]) -> None:
    wuhan, hongshan = Region.objects.get(code=WUHAN), Region.objects.get(code=HONGSHAN)
    for category in Category.objects.filter(is_active=True):
        key = WUHAN_ROUTES.get(category.department)
        if key in orgs:
            _route(category, wuhan, orgs[key])
    _route(Category.objects.filter(code="urban-management").first(), hongshan, orgs["hs-cgj"])
    _route(None, None, orgs["hb-zwb"])


def _staff(ctx: Any) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, name, key, role, description in STAFF:
        staff = Staff.objects.filter(user__username=username).select_related("user").first()
        if staff is None:
            staff = identity_actions.do_create_staff(None, username=username, name=name,
                                                     password=ctx.password or DEMO_PASSWORD)
        identity_actions.do_assign_role(None, staff=staff, organization=ctx.orgs[key], role=role)
        users[username] = staff.user
        ctx.logins.append((username, name, description))
    return users


def _handlers(orgs: dict[str, Organization], users: dict[str, User]) -> dict[int, User]:
    found = {orgs[key].pk: users[name] for name, _n, key, role, _d in STAFF
             if role == StaffRole.REVIEWER}
    for key, username in EXISTING_HANDLERS.items():
        user = User.objects.filter(username=username).first()
        if user is not None:
            found[orgs[key].pk] = user
    return found


def _articles() -> int:
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=[a.item for a in ARTICLES])}
    for spec in ARTICLES:
        if KnowledgeArticle.objects.filter(title=spec.title).exists():
            continue
        knowledge.do_save_article(None, title=spec.title, answer=spec.answer,
                                  keywords=spec.keywords, category=spec.category,
                                  item=items.get(spec.item), policy=spec.policy,
                                  region=None)
    return KnowledgeArticle.objects.filter(title__in=[a.title for a in ARTICLES]).count()


# --- one ticket's story -----------------------------------------------------------------


def _attributes(spec: DemoTicket) -> dict[str, str]:
    """The answer the operator gives to the category's required question (utilities)."""
    if spec.category != "utilities":
        return {}
    utility = "gas" if "燃气" in spec.title else "power" if "电" in spec.title else "water"
    return {"utility": utility}


class Story:
    """Runs one ticket through the actions, each step at its own time."""

    def __init__(self, world: World, spec: DemoTicket) -> None:
        self.world, self.spec = world, spec
        self.start = world.now - dt.timedelta(days=spec.days_ago, hours=spec.hours)
        self.ticket: Ticket | None = None

    def at(self, hours: float) -> AbstractContextManager[None]:
        # Never in the future: a step that would be is squeezed just before now.
        moment = min(self.start + dt.timedelta(hours=hours),
                     self.world.now - dt.timedelta(minutes=5))
        return clock(max(moment, self.start))

    @property
    def t(self) -> Ticket:
        assert self.ticket is not None
        self.ticket.refresh_from_db()
        return self.ticket

    def file(self) -> None:
        w, s = self.world, self.spec
        citizen = w.citizens.get(s.caller)
        urgent = "urgent" if "下穿通道" in s.title else "normal"
        with self.at(0):
            if citizen is not None:
                self.ticket = intake.do_file_ticket(
                    citizen, channel=Channel.WEB, kind=s.kind, title=s.title, content=s.content,
                    urgency=urgent, address=s.address, centre=w.centre)
                return
            name = w.rng.choice(SURNAMES) + w.rng.choice(GIVEN)
            phone = "1" + w.rng.choice("35789") + "".join(w.rng.choice("0123456789")
                                                          for _ in range(9))
            self.ticket = intake.do_file_ticket(
                w.operator, channel=Channel.PHONE, kind=s.kind, title=s.title,
                content=s.content, urgency=urgent, address=s.address, caller_name=name,
                caller_phone=phone, category=s.category, attributes=_attributes(s),
                centre=w.centre)

    def target(self) -> Organization | None:
        wuhan = self.world.centre.region
        category = Category.objects.filter(code=self.spec.category).first()
        return routing.route(category, self.t.region or wuhan)

    def dispatch(self, hours: float, org: Organization | None = None, note: str = "") -> None:
        with self.at(hours):
            handling.do_dispatch_ticket(self.world.operator, self.t,
                                        organization=org or self.target(),
                                        category=self.spec.category, note=note)

    def handler(self) -> User:
        return self.world.handlers[self.t.organization_id or 0]

    def sign(self, hours: float) -> None:
        with self.at(hours):
            handling.do_sign_ticket(self.handler(), self.t)

    def reply(self, hours: float) -> None:
        text = (f"您反映的“{self.spec.title}”已收悉。经调查核实，我单位已依法处理并督促整改，"
                "后续将持续跟踪。感谢您对我们工作的支持和监督。")
        with self.at(hours):
            handling.do_reply_ticket(self.handler(), self.t, reply=text)

    def rate(self, hours: float) -> None:
        """The citizen rates online; a phone caller is called back and rates on the call.
        Unsatisfied without a reopen: the operator closes it."""
        w, s = self.world, self.spec
        with self.at(hours):
            citizen = w.citizens.get(s.caller)
            if citizen is not None:
                comment = "问题没有解决。" if s.rating == "unsatisfied" else ""
                callback.do_rate_ticket(citizen, self.t, satisfaction=s.rating, comment=comment)
            else:
                callback.do_record_callback(w.operator, self.t, reached=True,
                                            note="回访市民，市民已知晓答复。",
                                            satisfaction=s.rating)
        if self.t.status == TicketStatus.REPLIED and s.state != "reopened":
            with self.at(hours + 1):
                callback.do_close_ticket(w.operator, self.t, note="已做好解释工作，予以办结。")


def _handle_and_reply(story: Story, reply_at: float) -> None:
    story.dispatch(0.5)
    story.sign(3)
    story.reply(reply_at)


def _returned(story: Story, wrong: str, then_correct: bool) -> None:
    story.dispatch(0.5, story.world.orgs[wrong])
    with story.at(5):
        handling.do_return_ticket(story.handler(), story.t,
                                  reason="经核实，该事项不属于我单位职责范围，请重新派发。")
    if then_correct:
        story.dispatch(7, note="原承办单位退回，按职责改派。")
        story.sign(20)


def _story(world: World, spec: DemoTicket, tickets: dict[str, Ticket]) -> None:
    story = Story(world, spec)
    story.file()
    reply_at = REPLY_HOURS.get(spec.kind, OTHER_REPLY_HOURS)
    state = spec.state
    if state == "dispatched":
        story.dispatch(0.5)
    elif state == "handling":
        story.dispatch(0.5)
        story.sign(3)
    elif state in WRONG_FIRST:
        _returned(story, WRONG_FIRST[state], state == "redispatched")
    elif state in ("replied", "closed", "late", "reopened", "unreachable"):
        _handle_and_reply(story, LATE_HOURS if state == "late" else reply_at)
        _after_reply(story, (LATE_HOURS if state == "late" else reply_at) + 20)
    elif state == "answered":
        article = KnowledgeArticle.objects.get(title=spec.answer)
        with story.at(0.1):
            knowledge.do_answer_from_knowledge(world.operator, story.t, article)
    elif state == "merged":
        with story.at(0.2):
            intake.do_merge_ticket(world.operator, story.t, tickets[spec.into])
    elif state in ("overdue_sign", "overdue_reply"):
        story.dispatch(0.5)
        if state == "overdue_reply":
            story.sign(3)
        with story.at(96):
            supervision.do_supervise_ticket(world.supervisor, story.t,
                                            note="超期未办结，请立即办理并反馈。")
    tickets[spec.title] = story.t


def _after_reply(story: Story, at: float) -> None:
    spec, w = story.spec, story.world
    if spec.state == "unreachable":
        with story.at(at):
            callback.do_record_callback(w.operator, story.t, reached=False,
                                        note="三次回访均未接通。")
        with story.at(at + 24):
            callback.do_close_ticket(w.operator, story.t, note="多次回访未接通，按规定办结。")
        return
    if spec.state == "replied":
        return
    story.rate(at)
    if spec.state == "reopened":
        with story.at(at + 2):
            callback.do_reopen_ticket(w.citizens[spec.caller], story.t,
                                      reason="机构仍未退费，申请重新办理。")
        story.sign(at + 6)


# --- the loader -------------------------------------------------------------------------


def _world(ctx: Any) -> World:
    orgs = ctx.orgs
    wuhan, province = Region.objects.get(code=WUHAN), Region.objects.get(code=PROVINCE)
    centre = _centre(orgs["wh-12345"], wuhan, "武汉市民服务热线（12345）")
    _centre(orgs["hb-12345"], province, "湖北省12345政务服务便民热线")
    users = _staff(ctx)
    citizens = {u.username: u for u in User.objects.filter(
        username__in=[t.caller for t in TICKETS if t.caller])}
    return World(orgs=orgs, centre=centre, operator=users["hotline_operator"],
                 supervisor=users["hotline_supervisor"], handlers=_handlers(orgs, users),
                 citizens=citizens, now=timezone.now())



def load_tickets(world: World) -> int:
    """Make the demo tickets not made yet; answers how many were made."""
    tickets = {t.title: t for t in Ticket.objects.filter(
        centre=world.centre, title__in=[s.title for s in TICKETS])}
    todo = [spec for spec in TICKETS if spec.title not in tickets
            and (not spec.caller or spec.caller in world.citizens)]
    if not todo:
        return 0
    for spec in todo:
        with transaction.atomic():
            _story(world, spec, tickets)
    # The corrections made above are learned at the next suggestion, not one by one
    # (jingchu.hotline.classify retrains at most every JINGCHU_HOTLINE_RETRAIN_SECONDS).
    classify.reset()
    return len(todo)


def load_demo(ctx: Any) -> None:
    categories = _categories()
    _routes(ctx.orgs)
    world = _world(ctx)
    articles = _articles()
    made = load_tickets(world)
    scanned = supervision.do_scan_overdue() if made else 0
    total = Ticket.objects.filter(title__in=[s.title for s in TICKETS]).count()
    ctx.report.append(
        f"Hotline: 2 centres, {categories} categories, {articles} knowledge articles, "
        f"{total} demo tickets ({made} made now, {scanned} overdue supervised)")

