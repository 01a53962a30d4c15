"""`jingchu supervision <verb>`: each verb reaches its function and its exit status reaches the
shell (a failed verification must fail a script that runs it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jingchu.supervision.actions.credit import RULES_FILE
from jingchu.supervision.models import CreditGrade, CreditRule, Draw
from jingchu.supervision.tests.test_plans import drawn_plan

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("supervision", *args, stdout=out, stderr=StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_load_rules_from_the_shipped_file_and_from_an_edited_copy(tmp_path: Path) -> None:
    code, out = run("load-rules")
    assert code == 0 and "credit rules" in out
    spec = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    first = spec["rules"][0]
    first["points"] = int(first["points"]) + 7
    edited = tmp_path / "rules.json"
    edited.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    assert run("load-rules", str(edited))[0] == 0
    assert CreditRule.objects.get(code=first["code"]).points == first["points"]
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    code, out = run("load-rules", str(broken))
    assert code == 1 and "not loaded" in out
    assert CreditRule.objects.get(code=first["code"]).points == first["points"]


def test_compute_grades_and_scan_publication(supervision_world: dict[str, Any]) -> None:
    run("load-rules")
    before = CreditGrade.objects.count()
    assert run("compute-grades")[0] == 0
    # the fixture's hand-set scores (A 95, C 65 …) become the rules' 100 for clean entities
    assert CreditGrade.objects.count() > before
    assert run("scan-publication")[0] == 0


def test_verify_draw_by_number_and_its_failure_status(supervision_world: dict[str, Any],
                                                      tmp_path: Path) -> None:
    plan = drawn_plan(supervision_world)
    code, out = run("verify-draw", plan.number)
    assert code == 0, out
    draw = Draw.objects.get(plan=plan)
    draw.seed = "00" * 32
    draw.save(update_fields=["seed"])
    assert run("verify-draw", plan.number)[0] == 1
    with pytest.raises(CommandError):
        run("verify-draw", plan.number, "--file", str(tmp_path / "x.json"))
    with pytest.raises(CommandError):
        run("verify-draw")


def test_draw_from_the_command_line(supervision_world: dict[str, Any]) -> None:
    from jingchu.supervision.actions import plans
    from jingchu.supervision.tests.test_plans import make_plan

    plan = make_plan(supervision_world)
    plans.do_commit_draw(supervision_world["users"]["amr_leader"], plan)
    assert run("draw", plan.number, "--witness", "  ")[0] == 1
    code, out = run("draw", plan.number, "--witness", "见证码 第3号")
    assert code == 0, out
    assert Draw.objects.get(plan=plan).witness == "见证码 第3号"
    assert run("draw", "420100-CC-1999-0001", "--witness", "x")[0] == 2
