"""Quality rules and a first audit of the demo's lake datasets, for `jingchu demo` (called by
jingchu.lake.demo.load_demo). Idempotent: a dataset that has a rule file keeps it, and a dataset
audited before is not audited again; datasets the demo did not create are skipped.

省公安厅 holds its population extract to a threshold of 99, which the extract's realistic errors
(about 1% of rows for each kind) fall just short of: the demo shows a rectification task."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from jingchu.core.errors import ActionError
from jingchu.lake.actions import quality as actions
from jingchu.lake.models import Dataset

STANDARD = Path(__file__).resolve().parent / "quality" / "standard" / "population.yaml"

RULES: dict[str, str] = {
    "hb-gat/population-extract": STANDARD.read_text(encoding="utf-8").replace(
        "threshold: 85", "threshold: 99"),
    "hb-rst/si-enrolment": """\
threshold: 90
rules:
  - id_number_valid: {check: id_number, column: id_number}
  - name_present: {check: not_null, column: name}
  - status_known: {check: enum, column: status, values: [参保缴费, 暂停缴费, 终止参保]}
  - employer_uscc_valid: {check: uscc, column: employer_uscc}
  - months_paid_range: {check: range, column: months_paid, min: 0, max: 720}
  - one_enrolment_per_person: {check: unique, column: id_number}
  - person_known: {check: references, column: id_number, dataset: hb-gat/population-extract}
  - same_name_as_population: {check: agrees_with, columns: [id_number, name],
                              dataset: hb-gat/population-extract}
  - loaded_on_time: {check: freshness}
""",
    "hb-mzt/marriages": """\
threshold: 90
rules:
  - id_number_valid: {check: id_number, column: id_number}
  - spouse_id_number_valid: {check: id_number, column: spouse_id_number}
  - kind_known: {check: enum, column: kind, values: [结婚, 离婚]}
  - not_in_the_future: {check: date, column: registered_on, min: 1950-01-01, max: audit_date}
  - authority_present: {check: not_null, column: authority}
  - couple_once: {check: unique, columns: [id_number, spouse_id_number, registered_on]}
  - loaded_on_time: {check: freshness}
""",
    "hb-scjg/food-licences": """\
threshold: 90
rules:
  - uscc_valid: {check: uscc, column: uscc}
  - licence_number_format: {check: regex, column: license_no, pattern: 'JY[0-9]{14}'}
  - licence_number_present: {check: not_null, column: license_no}
  - licence_number_unique: {check: unique, column: license_no}
  - premises_present: {check: not_null, column: premises}
  - loaded_on_time: {check: freshness}
""",
    "hb-sw/tax-credit": """\
threshold: 90
rules:
  - uscc_valid: {check: uscc, column: uscc}
  - grade_known: {check: enum, column: grade, values: [A, B, M, C, D],
                  description: 纳税信用级别 A、B、M、C、D}
  - year_range: {check: range, column: year, min: 2014, max: 2030}
  - one_grade_per_year: {check: unique, columns: [uscc, year]}
  - enough_taxpayers: {check: row_count, min: 100}
""",
}


def _one(code: str, text: str) -> str:
    dataset = Dataset.objects.select_related("current_version").filter(code=code).first()
    if dataset is None or dataset.current_version is None:
        return ""
    if not dataset.rules_yaml:
        actions.do_set_rules(None, dataset, text)
    if dataset.audit_runs.exists():
        return ""
    run = actions.do_run_audit(None, dataset)
    return f"{code} {run.score}" if run.score is not None else f"{code} failed: {run.error}"


def load_quality_demo(ctx: Any) -> None:
    started = time.monotonic()
    done = []
    for code, text in RULES.items():
        try:
            line = _one(code, text)
        except ActionError as exc:  # a demo dataset shaped differently: say so, go on
            line = f"{code}: {exc.message}"
        if line:
            done.append(line)
    if done:
        ctx.report.append(f"Quality audits: {'; '.join(done)} in "
                          f"{time.monotonic() - started:.1f} s (see /lake/audits/)")
