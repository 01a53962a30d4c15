"""KPI feeds of electronic licences (电子证照) for the cockpit (the contract: jingchu.core.kpi).

- Licences issued: License rows per day of issue (`issued_on`, the local date written on the
  licence) and issuing organization, whatever their status now (a licence revoked later was
  still issued). Licences brought in by a bulk import of existing licences carry their original
  day of issue, so an import adds to past days: the cockpit's rollup should compute again the
  days an import reaches (LicenseImport tells when one finished).
- Licence uses (用证, reuse): LicenseUse rows (used as application material, shared with an
  organization, viewed, verified) per local day (Asia/Shanghai) of `at` and using organization
  (none when no organization is recorded, e.g. a verification by the public).
One GROUP BY query each.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from jingchu.core.kpi import KpiRow, KpiSpec
from jingchu.core.periods import day_start, local_day
from jingchu.licenses.models import License, LicenseUse


def licences_issued(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Licences per day of issue and issuer (count; denominator 1)."""
    rows = (License.objects.filter(issued_on__gte=start, issued_on__lte=end).order_by()
            .values("issued_on", "issuer_id", "issuer__region_id").annotate(n=Count("id"))
            .values_list("issued_on", "issuer_id", "issuer__region_id", "n"))
    return [KpiRow(day, org, region, float(n), 1.0) for day, org, region, n in rows]


def licence_uses(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Licence uses per local day of `at` and using organization (count; denominator 1)."""
    rows = (LicenseUse.objects.filter(at__gte=day_start(start),
                                      at__lt=day_start(end + dt.timedelta(days=1)))
            .order_by().annotate(day=local_day("at"))
            .values("day", "organization_id", "organization__region_id").annotate(n=Count("id"))
            .values_list("day", "organization_id", "organization__region_id", "n"))
    return [KpiRow(day, org, region, float(n), 1.0) for day, org, region, n in rows]


KPIS: list[KpiSpec] = [
    KpiSpec(
        code="licenses.issued", name=_("Electronic licences issued"),
        definition=_(
            "Electronic licences issued, per day of issue (the date on the licence) and issuing "
            "organization, whatever their status now. Existing licences brought in by a bulk "
            "import count on their original day of issue."),
        source="licenses: License", unit="count", compute=licences_issued),
    KpiSpec(
        code="licenses.uses", name=_("Electronic licence uses"),
        definition=_(
            "Uses of electronic licences (reuse): each use record — used as application "
            "material, shared with an organization, viewed or verified — per local day of the "
            "use and using organization (none when no organization is recorded)."),
        source="licenses: LicenseUse", unit="count", compute=licence_uses),
]
