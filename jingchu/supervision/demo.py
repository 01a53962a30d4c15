"""Supervision's part of `jingchu demo`: Wuhan's regulatory items, inspectors and sampling
rules, 120 enterprises in the directory with credit events and 12345 complaints, their credit
grades, and three rounds: one finished and published last quarter, a joint round in progress
with results due for publication, and a draft ready to be drawn on the pages.

Idempotent: items, inspectors and entities are looked up by their codes, credit events by
their decision numbers, complaints by their titles and rounds by their names (each round's
story runs in one transaction, so it is there in full or not at all). Deterministic: every
date is an offset from the day the loader runs; the draws' seeds are random, as they must be.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from jingchu.core.democlock import clock
from jingchu.core.identifiers import make_id_number, make_uscc
from jingchu.core.models import Organization, Region
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import LegalEntityKind, StaffRole
from jingchu.identity.demo import DEMO_PASSWORD
from jingchu.identity.models import LegalEntity, Staff, User
from jingchu.supervision.actions import catalog, credit, inspections, plans
from jingchu.supervision.choices import ConflictRelation, Outcome
from jingchu.supervision.demo_data import (
    COMPLAINTS,
    CREDIT_EVENTS,
    DISTRICTS,
    ENTITY_COUNT,
    ENTITY_INDUSTRIES,
    FINDINGS,
    INDUSTRY_NAMES,
    INSPECTORS,
    ITEMS,
    OUTCOMES,
    ROUNDS,
    SAMPLING,
    TRADE_NAMES,
)
from jingchu.supervision.models import (
    ConflictDeclaration,
    CreditGrade,
    CreditRecord,
    CreditRule,
    Inspection,
    InspectionPlan,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)

LEADER = "approver_wh_amr"  # the identity app's persona: approver at 武汉市市场监管局
ENTITY_SERIAL = 81_000_000  # the organization-code body of the demo enterprises


# --- the directory ------------------------------------------------------------------------


def _items(orgs: dict[str, Organization]) -> dict[str, RegulatoryItem]:
    have = {i.code: i for i in RegulatoryItem.objects.filter(code__in=[r[0] for r in ITEMS])}
    for code, key, name, basis, method, is_key, industries in ITEMS:
        if code not in have:
            have[code] = catalog.do_create_item(
                None, organization=orgs[key], code=code, name=name, legal_basis=basis,
                method=method, is_key=is_key, industries=industries)
    return have


def _sampling(orgs: dict[str, Organization]) -> None:
    for key in ("wh-scjg", "wh-sthjj"):
        for grade, factor, cap in SAMPLING:
            if SamplingRule.objects.filter(organization=orgs[key], grade=grade).exists():
                continue
            catalog.do_set_sampling_rule(None, organization=orgs[key], grade=grade,
                                         factor=factor, cap_percent=cap)


def _inspectors(ctx: Any) -> dict[str, Inspector]:
    found: dict[str, Inspector] = {}
    for username, name, key, certificate in INSPECTORS:
        staff = Staff.objects.filter(user__username=username).first()
        if staff is None:
            staff = identity_actions.do_create_staff(None, username=username, name=name,
                                                     password=ctx.password or DEMO_PASSWORD)
        org = ctx.orgs[key]
        identity_actions.do_assign_role(None, staff=staff, organization=org,
                                        role=StaffRole.INSPECTOR)
        inspector = Inspector.objects.filter(certificate_number=certificate).first()
        found[username] = inspector or catalog.do_register_inspector(
            None, staff=staff, organization=org, certificate_number=certificate,
            qualified_until=dt.date(timezone.localdate().year + 3, 12, 31))
    ctx.logins.append(("hj_inspector_1", "叶青山", "Inspector, 武汉市生态环境局"))
    return found


def _entity_name(index: int) -> str:
    district = DISTRICTS[index % len(DISTRICTS)][1]
    word, suffix = INDUSTRY_NAMES[ENTITY_INDUSTRIES[index % len(ENTITY_INDUSTRIES)]]
    trade = TRADE_NAMES[index % len(TRADE_NAMES)]
    return f"武汉市{district}{trade}{word}{suffix}" if index < len(TRADE_NAMES) else \
        f"武汉{trade}{word}{index:03d}{suffix}"


def _entity(index: int) -> LegalEntity:
    county = DISTRICTS[index % len(DISTRICTS)][0]
    uscc = make_uscc("9", "1", county, f"{ENTITY_SERIAL + index:08d}")
    entity = LegalEntity.objects.filter(uscc=uscc).first()
    if entity is None:
        person = identity_actions.do_register_person(
            None, name=f"{'王李张刘陈杨黄赵吴周'[index % 10]}{'建华志强丽娟海涛'[index % 8]}",
            id_number=make_id_number(county, dt.date(1965, 1, 1) + dt.timedelta(days=index * 97),
                                     400 + index, male=index % 3 != 0))
        entity = identity_actions.do_register_legal_entity(
            None, uscc=uscc, name=_entity_name(index), kind=LegalEntityKind.ENTERPRISE,
            region=Region.objects.get(code=f"{county}000000"), legal_representative=person,
            established_on=dt.date(2008, 1, 1) + dt.timedelta(days=index * 41))
    if not SupervisedEntity.objects.filter(legal_entity=entity).exists():
        catalog.do_register_entity(None, legal_entity=entity,
                                   industry=ENTITY_INDUSTRIES[index % len(ENTITY_INDUSTRIES)])
    return entity


def _conflicts(inspectors: dict[str, Inspector], entities: list[LegalEntity]) -> None:
    for username, index, relation, note in (
            ("inspector_wh", 5, ConflictRelation.KIN, "配偶为该公司股东"),
            ("sc_inspector_2", 8, ConflictRelation.EMPLOYMENT, "2019年前曾在该公司任职")):
        inspector = inspectors[username]
        if not ConflictDeclaration.objects.filter(inspector=inspector,
                                                  legal_entity=entities[index],
                                                  withdrawn_at__isnull=True).exists():
            catalog.do_declare_conflict(None, inspector=inspector, legal_entity=entities[index],
                                        relation=relation, note=note)


# --- credit -------------------------------------------------------------------------------


def _credit_events(orgs: dict[str, Organization], entities: list[LegalEntity]) -> None:
    today = timezone.localdate()
    for index, kind, reference, summary, days_ago, ended in CREDIT_EVENTS:
        if CreditRecord.objects.filter(reference=reference).exists():
            continue
        org = orgs["wh-sthjj"] if reference.startswith("武环") else orgs["wh-scjg"]
        credit.do_record_credit_event(
            None, legal_entity=entities[index], kind=kind, organization=org,
            reference=reference, summary=summary,
            decided_on=today - dt.timedelta(days=days_ago),
            ended_on=today - dt.timedelta(days=ended) if ended is not None else None)


def _complaints(entities: list[LegalEntity]) -> int:
    from jingchu.hotline.actions.intake import do_file_ticket
    from jingchu.hotline.choices import Channel
    from jingchu.hotline.models import Ticket

    operator = User.objects.filter(username="hotline_operator").first()
    made = 0
    for index, kind, title, content in COMPLAINTS:
        if operator is None or Ticket.objects.filter(title=title).exists():
            continue
        do_file_ticket(operator, channel=Channel.PHONE, kind=kind, title=title, content=content,
                       caller_name="市民", caller_phone=f"139{index:08d}",
                       address="武汉市" + DISTRICTS[index % len(DISTRICTS)][1],
                       reported_entity=entities[index])
        made += 1
    return made


# --- rounds -------------------------------------------------------------------------------


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _recorder(inspection: Inspection) -> User:
    first = inspection.inspectors.select_related("staff__user").order_by(
        "inspectioninspector__position").first()
    assert first is not None  # every drawn inspection has its inspectors
    return first.staff.user


def _record(inspection: Inspection, outcome: str, day: dt.date) -> None:
    with clock(_at(day, 16)):
        inspections.do_record_result(
            _recorder(inspection), inspection, inspected_on=day, ended_on=day, outcome=outcome,
            findings=FINDINGS[outcome],
            follow_up_due=day + dt.timedelta(days=30) if outcome == Outcome.RECTIFY else None)


def _play_round(spec: tuple[Any, ...], orgs: dict[str, Organization], leader: User) -> None:
    name, keys, codes, counties, industries, ratio, days_ago, length, stage = spec
    today = timezone.localdate()
    starts = today - dt.timedelta(days=days_ago)
    planned_on = min(starts - dt.timedelta(days=7), today)
    with clock(_at(planned_on, 10)):
        plan = plans.do_create_plan(
            leader, organization=orgs[keys[0]], name=name,
            items=list(RegulatoryItem.objects.filter(code__in=codes)),
            regions=list(Region.objects.filter(code__in=[f"{c}000000" for c in counties])),
            industries=industries, ratio_percent=ratio, starts_on=starts,
            ends_on=starts + dt.timedelta(days=length),
            partners=[orgs[k] for k in keys[1:]])
    if stage == "draft":
        return
    with clock(_at(planned_on, 11)):
        plans.do_commit_draw(leader, plan)
    with clock(_at(planned_on + dt.timedelta(days=1), 9)):
        plans.do_run_draw(leader, plan,
                          witness=f"见证码 {planned_on + dt.timedelta(days=1):%Y-%m-%d} 第3号")
    drawn = list(plan.inspections.order_by("number"))
    share = len(drawn) if stage == "published" else len(drawn) // 2
    for position, inspection in enumerate(drawn[:share]):
        day = min(starts + dt.timedelta(days=3 + position * length // max(share, 1)),
                  today - dt.timedelta(days=1))
        _record(inspection, OUTCOMES[position % len(OUTCOMES)], day)
        if stage == "published":
            with clock(_at(min(day + dt.timedelta(days=6), today), 15)):
                inspections.do_publish(leader, Inspection.objects.get(pk=inspection.pk))


def _rounds(orgs: dict[str, Organization]) -> int:
    leader = User.objects.get(username=LEADER)
    made = 0
    for spec in ROUNDS:
        if InspectionPlan.objects.filter(name=spec[0]).exists():
            continue
        with transaction.atomic():
            _play_round(spec, orgs, leader)
        made += 1
    return made


def _credit_rules() -> None:
    shipped = json.loads(credit.RULES_FILE.read_text(encoding="utf-8"))
    codes = {rule["code"] for rule in shipped["rules"]}
    if CreditRule.objects.filter(code__in=codes).count() < len(codes):
        credit.do_load_credit_rules(None)


def load_demo(ctx: Any) -> None:
    _credit_rules()
    items = _items(ctx.orgs)
    _sampling(ctx.orgs)
    inspectors = _inspectors(ctx)
    entities = [_entity(i) for i in range(ENTITY_COUNT)]
    _conflicts(inspectors, entities)
    _credit_events(ctx.orgs, entities)
    complaints = _complaints(entities)
    if not CreditGrade.objects.exists():
        credit.do_compute_grades(None)
    rounds = _rounds(ctx.orgs)
    alerts = inspections.do_scan_publication_deadlines(None) if rounds else {}
    if rounds:
        credit.do_compute_grades(None)
    ctx.report.append(
        f"Supervision: {len(items)} regulatory items, {len(inspectors)} inspectors, "
        f"{len(entities)} supervised entities, {complaints} complaints filed now, "
        f"{rounds} rounds made now, publication alerts {alerts}")
