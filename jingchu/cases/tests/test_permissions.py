"""Who may accept, review, decide and see a case (通办范围, handling organization, applicants)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.cases import actions, permissions
from jingchu.cases.choices import CaseStatus as S
from jingchu.cases.tests.conftest import make_staff
from jingchu.cases.tests.workbench_helpers import (
    ENTERPRISE_START,
    INJURY,
    PENSION,
    SOCIAL_CARD,
    counts,
    make_case,
    user,
)
from jingchu.cases.workflow import TRANSITIONS
from jingchu.core.errors import NotPermitted
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.demo import ENTERPRISE
from jingchu.identity.models import ActingAuthorization, LegalEntity
from jingchu.services.choices import ServiceArea
from jingchu.services.models import ItemImplementation

pytestmark = pytest.mark.django_db


def test_a_clerk_in_another_city_accepts_a_province_wide_case(catalog):
    case = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    done = actions.do_transition(user("clerk_yichang"), case, "accept")
    assert done.status == S.ACCEPTED
    assert done.accepting_org == catalog["yc-zwzx"]
    assert done.handling_org == catalog["wh-rsj"]  # routed to the competent organization


@pytest.mark.parametrize("code", [PENSION, INJURY])
def test_a_clerk_in_another_city_cannot_accept_city_wide_or_fixed_cases(catalog, code):
    case = make_case(catalog, S.SUBMITTED, code=code)
    before = counts(case)
    for step in ("accept", "refuse", "request_correction"):
        with pytest.raises(NotPermitted):
            actions.do_transition(user("clerk_yichang"), case, step, reason="理由")
    assert counts(case) == before
    assert actions.do_transition(user("clerk_wuhan"), case, "accept").status == S.ACCEPTED


def test_fixed_cases_only_at_a_hall_of_the_same_region(catalog):
    district_clerk = make_staff("clerk_jiangan", catalog["wh-ja-zwzx"], StaffRole.WINDOW_CLERK)
    case = make_case(catalog, S.SUBMITTED, code=INJURY)
    with pytest.raises(NotPermitted):
        actions.do_transition(district_clerk, case, "accept")
    city = make_case(catalog, S.SUBMITTED, code=PENSION)  # 全市通办: the district is in Wuhan
    assert actions.do_transition(district_clerk, city, "accept").status == S.ACCEPTED


def test_a_counter_case_is_accepted_at_that_counter(catalog):
    case = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    case.accepting_org = catalog["yc-zwzx"]
    case.save()
    with pytest.raises(NotPermitted):
        actions.do_transition(user("clerk_wuhan"), case, "accept")
    assert actions.do_transition(user("clerk_yichang"), case, "accept").status == S.ACCEPTED


def test_review_and_decision_only_by_the_handling_organization(catalog):
    case = make_case(catalog, S.ACCEPTED, code=SOCIAL_CARD)
    for outsider in ("reviewer_amr", "reviewer_wh_amr", "clerk_wuhan", "clerk_yichang"):
        with pytest.raises(NotPermitted):
            actions.do_transition(user(outsider), case, "start_review")
    actions.do_transition(user("reviewer_wh_hrss"), case, "start_review")
    for outsider in ("approver_amr", "approver_wh_amr", "reviewer_wh_hrss", "clerk_yichang"):
        with pytest.raises(NotPermitted):
            actions.do_transition(user(outsider), case, "approve")
    assert actions.do_transition(user("approver_wh_hrss"), case, "approve").decision == "approved"


def test_an_applicant_sees_only_their_own_cases_and_their_enterprises(catalog):
    own = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD, applicant="zhangsan")
    entity = LegalEntity.objects.get()
    firm = make_case(catalog, S.SUBMITTED, code=ENTERPRISE_START, org_key="wh-scjg",
                     applicant="wangwu", entity=entity)
    zhangsan, lisi, wangwu = user("zhangsan"), user("lisi"), user("wangwu")
    assert permissions.can_view_case(zhangsan, own)
    assert not permissions.can_view_case(lisi, own) and not permissions.can_view_case(wangwu, own)
    assert permissions.can_view_case(wangwu, firm) and permissions.can_view_case(lisi, firm)
    assert not permissions.can_view_case(zhangsan, firm)


def test_an_expired_or_revoked_authorization_no_longer_shows_the_enterprise_case(catalog):
    entity = LegalEntity.objects.get()
    firm = make_case(catalog, S.SUBMITTED, code=ENTERPRISE_START, org_key="wh-scjg",
                     applicant="wangwu", entity=entity)
    grant = ActingAuthorization.objects.get(person__user__username="lisi")
    grant.valid_until = timezone.localdate() - dt.timedelta(days=1)
    grant.save()
    assert not permissions.can_view_case(user("lisi"), firm)
    grant.valid_until = None
    grant.revoked_at = timezone.now()
    grant.save()
    assert not permissions.can_view_case(user("lisi"), firm)


def test_staff_see_cases_of_their_organization_or_waiting_for_their_intake(catalog):
    case = make_case(catalog, S.SUBMITTED, code=PENSION)
    assert permissions.can_view_case(user("clerk_wuhan"), case)
    assert not permissions.can_view_case(user("clerk_yichang"), case)
    assert permissions.can_view_case(user("reviewer_wh_hrss"), case)
    assert not permissions.can_view_case(user("reviewer_wh_amr"), case)
    accepted = make_case(catalog, S.UNDER_REVIEW, code=SOCIAL_CARD)
    # Once accepted at 武汉市民之家, a Yichang clerk has nothing more to do with it.
    assert not permissions.can_view_case(user("clerk_yichang"), accepted)
    assert permissions.can_view_case(user("clerk_wuhan"), accepted)


def test_the_acceptance_query_agrees_with_the_rule_for_every_demo_pair(catalog):
    impls = list(ItemImplementation.objects.select_related("organization__region"))
    for org in Organization.objects.select_related("region"):
        by_query = set(ItemImplementation.objects.filter(
            permissions.acceptable_implementations(org)).values_list("pk", flat=True))
        by_rule = {i.pk for i in impls if permissions.org_may_accept(org, i)}
        assert by_query == by_rule, org.name


def test_scope_follows_hubeis_usage_of_cities():
    jiangan = Region.objects.get(code="420102000000")
    assert permissions.scope_code(jiangan, ServiceArea.CITY) == "420100000000"
    assert permissions.scope_code(jiangan, ServiceArea.COUNTY) == "420102000000"
    assert permissions.scope_code(jiangan, ServiceArea.PROVINCE) == "420000000000"
    xiantao = Region.objects.get(code="429004000000")
    # 仙桃 counts as a city; the statistical grouping 429000 above it is not one.
    assert permissions.scope_code(xiantao, ServiceArea.CITY) == "429004000000"
    assert permissions.scope_code(jiangan, ServiceArea.FIXED) is None


def test_the_workbench_is_for_case_staff_only(catalog):
    assert permissions.can_use_workbench(user("clerk_yichang"))
    assert permissions.can_use_workbench(user("approver_wh_hrss"))
    assert not permissions.can_use_workbench(user("zhangsan"))
    assert not permissions.can_use_workbench(user("auditor"))
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_use_workbench(AnonymousUser())


def test_transitions_for_lists_only_the_users_steps(catalog):
    case = make_case(catalog, S.UNDER_REVIEW, code=SOCIAL_CARD)
    assert {t.name for t in permissions.transitions_for(user("reviewer_wh_hrss"), case)} == {
        "request_review_correction", "suspend"}
    assert {t.name for t in permissions.transitions_for(user("approver_wh_hrss"), case)} == {
        "approve", "deny"}
    assert permissions.transitions_for(user("zhangsan"), case) == []


def _steps_by_rule(who, case):
    """transitions_for as the permission rules define it: every transition leaving the case's
    status that `can_transition` grants (what the shortcut for non-staff users must equal)."""
    accepted = case.accepted_at is not None
    return [t for t in TRANSITIONS.values()
            if t.applies(case.status, accepted) and permissions.can_transition(who, case, t)]


@pytest.mark.parametrize("channel", ["online", "counter"])
def test_transitions_for_equals_the_rules_for_every_status_and_user(catalog, channel):
    from django.contrib.auth.models import AnonymousUser

    entity = LegalEntity.objects.get(uscc=ENTERPRISE["uscc"])
    people = [user(name) for name in ("zhangsan", "lisi", "wangwu", "clerk_wuhan",
                                      "clerk_yichang", "reviewer_wh_hrss", "approver_wh_hrss",
                                      "auditor")] + [AnonymousUser()]
    seen: set[str] = set()
    for status in S.values:
        for accepted in (False, True):
            for acting_for in (None, entity):
                case = make_case(catalog, status, accepted=accepted, entity=acting_for)
                case.channel = channel
                for who in people:
                    expected = _steps_by_rule(who, case)
                    assert permissions.transitions_for(who, case) == expected, (
                        status, accepted, acting_for, getattr(who, "username", "anonymous"))
                    seen.update(t.name for t in expected)
    # The comparison covered applicants' and staff's steps alike.
    assert {"submit", "withdraw", "accept", "approve", "deliver"} <= seen


def test_the_staff_record_is_the_users_own_however_it_was_loaded(catalog,
                                                                 django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from jingchu.identity.models import User

    clerk = make_staff("staff-record-clerk", catalog["wh-scjg"], StaffRole.WINDOW_CLERK)
    citizen = User.objects.get(username="zhangsan")
    loaded = {u.username: u for u in User.objects.select_related("staff").filter(
        username__in=["zhangsan", clerk.username])}
    with django_assert_num_queries(0):  # known from the join, a missing record included
        assert permissions.staff_record(loaded["zhangsan"]) is None
        assert permissions.staff_record(loaded[clerk.username]).user_id == clerk.pk
    with django_assert_num_queries(1):  # not loaded: asked once, then known
        assert permissions.staff_record(citizen) is None
        assert permissions.staff_record(citizen) is None
    assert permissions.staff_record(AnonymousUser()) is None
