"""The routing table (派单规则): which Organization handles a category of request in a region.

The most specific rule wins, in this order:
1. the category's rule for the ticket's region, then for each ancestor region up to the province;
2. the category's rule for any region;
3. the region default (no category) of the region, then of each ancestor;
4. the global default (neither category nor region).
Rules whose organization is no longer active are passed over.
"""

from __future__ import annotations

from django.db.models import Q

from jingchu.core.models import Organization, Region
from jingchu.hotline.models import Category, RoutingRule


def region_chain(region: Region | None) -> list[str]:
    """Codes of the region and its ancestors, deepest first (read from the path, no query)."""
    if region is None:
        return []
    codes = [code for code in (region.path or "").split("/") if code]
    if not codes or codes[-1] != region.code:
        codes.append(region.code)
    return list(reversed(codes))


def _rank(rule: RoutingRule, chain: list[str]) -> tuple[int, int]:
    """Sort key: lower is more specific (group of the docstring, then depth in the chain)."""
    depth = chain.index(rule.region.code) if rule.region is not None else len(chain)
    if rule.category_id is not None:
        return (0, depth)
    return (1, depth)


def route(category: Category | None, region: Region | None) -> Organization | None:
    """The organization that handles `category` in `region`, or None when no rule applies."""
    chain = region_chain(region)
    where_category = Q(category__isnull=True)
    if category is not None:
        where_category |= Q(category=category)
    rules = (RoutingRule.objects
             .filter(where_category)
             .filter(Q(region__isnull=True) | Q(region__code__in=chain))
             .filter(organization__is_active=True)
             .select_related("region", "organization"))
    ranked = sorted(rules, key=lambda rule: _rank(rule, chain))
    return ranked[0].organization if ranked else None
