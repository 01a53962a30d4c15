"""Checking a published draw (jingchu.supervision.cli_draw.verify_draw and drawing.py run as a
script): a draw re-runs to the same result from its bundle, from the database and from a
downloaded file, also with its input lists shuffled; every edit after the commitment — of the
inputs, the seed, the witness, the result, the stored inspections — is detected; draws and
bundles of jingchu-draw-v1 (committed before v2) still verify as before."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jingchu.supervision import cli_draw, drawing, inputs
from jingchu.supervision.actions import plans
from jingchu.supervision.models import Draw, InspectionInspector, Inspector
from jingchu.supervision.tests.test_draw import VECTOR_INSPECTIONS, vector_inputs
from jingchu.supervision.tests.test_plans import WITNESS, drawn_plan, make_plan

pytestmark = pytest.mark.django_db
World = dict[str, Any]


def verify(**where: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = cli_draw.verify_draw(out, number=where.get("number"), path=where.get("path"))
    return code, out.getvalue()


def saved(bundle: dict[str, Any], tmp_path: Path) -> str:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


@pytest.fixture
def drawn(supervision_world: World) -> Draw:
    plan = drawn_plan(supervision_world, partners=[supervision_world["env"]],
                      items=[supervision_world["items"]["food"],
                             supervision_world["items"]["emission"]])
    return Draw.objects.select_related("plan").get(plan=plan)


def test_a_draw_verifies_from_the_database_and_from_its_file(drawn: Draw,
                                                             tmp_path: Path) -> None:
    code, out = verify(number=drawn.plan.number)
    assert code == 0, out
    assert "FAIL" not in out and "everything matches" in out
    assert "ledger commitment" in out and "stored inspections" in out
    code, out = verify(path=saved(inputs.bundle(drawn), tmp_path))
    assert code == 0, out
    # the script alone, outside Django, says the same of the file
    script = Path(drawing.__file__)
    run = subprocess.run([sys.executable, str(script), str(tmp_path / "bundle.json")],
                         capture_output=True, text=True, check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert verify(number="420100-CC-1999-0001")[0] == 2


def test_the_result_does_not_depend_on_the_order_of_the_inputs(drawn: Draw) -> None:
    frozen, seed = json.loads(drawn.inputs), bytes.fromhex(drawn.seed)
    expected = json.loads(drawn.result)
    for n in range(4):
        rng = random.Random(n)
        other = json.loads(drawn.inputs)
        for key in ("entities", "inspectors", "rules"):
            rng.shuffle(other[key])
        again = drawing.run(other, seed, drawn.witness)
        assert again["inspections"] == expected["inspections"]
        assert again["grades"] == expected["grades"]
    assert drawing.run(frozen, seed, drawn.witness) == expected


def failures(out: str) -> list[str]:
    return [line.split(":")[0][5:] for line in out.splitlines() if line.startswith("FAIL")]


def test_edited_inputs_are_detected(drawn: Draw, tmp_path: Path) -> None:
    frozen = json.loads(drawn.inputs)
    frozen["entities"][0]["grade"] = "A" if frozen["entities"][0]["grade"] != "A" else "D"
    text = drawing.canonical(frozen).decode()
    Draw.objects.filter(pk=drawn.pk).update(inputs=text)
    code, out = verify(number=drawn.plan.number)
    assert code == 1 and "inputs_sm3" in failures(out)
    # the hash edited along with them: the ledger still holds the committed one
    Draw.objects.filter(pk=drawn.pk).update(inputs_hash=drawing.sm3_hex(text.encode()))
    code, out = verify(number=drawn.plan.number)
    assert code == 1 and "inputs vs ledger" in failures(out)
    assert "inputs_sm3" not in failures(out)


def test_an_edited_seed_is_detected(drawn: Draw, tmp_path: Path) -> None:
    bundle = inputs.bundle(drawn)
    bundle["seed"] = "00" * 32
    code, out = verify(path=saved(bundle, tmp_path))
    assert code == 1 and {"seed_sm3", "seed vs ledger"} <= set(failures(out))
    Draw.objects.filter(pk=drawn.pk).update(seed="11" * 32)
    code, out = verify(number=drawn.plan.number)
    assert code == 1 and "seed_sm3" in failures(out)


def test_an_edited_result_is_detected(drawn: Draw, tmp_path: Path) -> None:
    bundle = inputs.bundle(drawn)
    first = bundle["result"]["inspections"][0]
    first["inspectors"] = list(reversed(first["inspectors"]))
    code, out = verify(path=saved(bundle, tmp_path))
    assert code == 1 and "result" in failures(out)
    # result and its hash rewritten in the database: the ledger's reveal disagrees
    text = drawing.canonical(bundle["result"]).decode()
    Draw.objects.filter(pk=drawn.pk).update(result=text,
                                             result_hash=drawing.sm3_hex(text.encode()))
    code, out = verify(number=drawn.plan.number)
    assert code == 1 and {"result", "result vs ledger"} <= set(failures(out))


def test_an_edited_inspection_team_is_detected(drawn: Draw, supervision_world: World) -> None:
    link = InspectionInspector.objects.filter(inspection__plan=drawn.plan).first()
    assert link is not None
    used = set(InspectionInspector.objects.filter(inspection=link.inspection)
               .values_list("inspector", flat=True))
    other = Inspector.objects.exclude(pk__in=used).first()
    assert other is not None
    link.inspector = other
    link.save()
    code, out = verify(number=drawn.plan.number)
    assert code == 1 and failures(out) == ["stored inspections"]


def test_committed_and_cancelled_draws_verify_what_they_have(supervision_world: World,
                                                             tmp_path: Path) -> None:
    leader = supervision_world["users"]["amr_leader"]
    plan = make_plan(supervision_world)
    plans.do_commit_draw(leader, plan)
    code, out = verify(number=plan.number)
    assert code == 0 and "not revealed" in out
    plans.do_cancel_plan(leader, plan, reason="重新规划")
    code, out = verify(number=plan.number)
    assert code == 0, out
    bundle = inputs.bundle(Draw.objects.get(plan=plan))
    assert bundle["status"] == "cancelled" and bundle["result"] is None
    bundle["seed"] = "22" * 32
    assert verify(path=saved(bundle, tmp_path))[0] == 1


def script(path: str) -> subprocess.CompletedProcess[str]:
    """drawing.py run as a script, outside Django, on a bundle file."""
    return subprocess.run([sys.executable, drawing.__file__, path], capture_output=True,
                          text=True, check=False)


def test_an_edited_witness_is_detected(drawn: Draw, tmp_path: Path) -> None:
    bundle = inputs.bundle(drawn)
    assert bundle["witness"] == WITNESS and bundle["result"]["witness"] == WITNESS
    bundle["witness"] = "见证码 2026-10-20 第4号"
    path = saved(bundle, tmp_path)
    code, out = verify(path=path)
    assert code == 1 and {"result", "witness vs ledger"} <= set(failures(out))
    assert script(path).returncode == 1
    # the witness, the result and its hash all rewritten consistently: the ledger disagrees
    result = drawing.run(bundle["inputs"], bytes.fromhex(bundle["seed"]), bundle["witness"])
    text = drawing.canonical(result).decode()
    Draw.objects.filter(pk=drawn.pk).update(witness=bundle["witness"], result=text,
                                             result_hash=drawing.sm3_hex(text.encode()))
    code, out = verify(number=drawn.plan.number)
    assert code == 1
    assert set(failures(out)) == {"witness vs ledger", "result vs ledger", "stored inspections"}
    # a malformed or missing witness is named
    bundle["witness"] = " 第4号"
    code, out = verify(path=saved(bundle, tmp_path))
    assert code == 1 and {"witness", "result"} <= set(failures(out))
    del bundle["witness"]
    code, out = verify(path=saved(bundle, tmp_path))
    assert code == 1 and "witness" in failures(out)


def test_a_v1_draw_in_the_database_still_verifies(supervision_world: World, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    leader = supervision_world["users"]["amr_leader"]
    plan = make_plan(supervision_world)
    with monkeypatch.context() as patched:
        patched.setattr(drawing, "ALGORITHM", drawing.ALGORITHM_V1)
        plans.do_commit_draw(leader, plan)
    plans.do_run_draw(leader, plan, witness=None)
    draw = Draw.objects.select_related("plan").get(plan=plan)
    code, out = verify(number=plan.number)
    assert code == 0 and "algorithm jingchu-draw-v1" in out, out
    assert "witness" not in out
    bundle = inputs.bundle(draw)
    del bundle["witness"]  # as bundles downloaded before v2 are
    path = saved(bundle, tmp_path)
    assert verify(path=path)[0] == 0
    assert script(path).returncode == 0
    bundle["witness"] = WITNESS  # v1 takes none
    assert verify(path=saved(bundle, tmp_path))[0] == 1


def test_the_published_v1_vector_verifies_as_a_bundle(tmp_path: Path) -> None:
    """A v1 bundle made outside this database (the test vector of the docs, §8)."""
    seed = bytes(range(32))
    result = drawing.run(vector_inputs(), seed)
    assert result["inspections"] == VECTOR_INSPECTIONS
    bundle = {"bundle": drawing.BUNDLE_FORMAT, "plan": "420100-CC-2026-0001",
              "status": "drawn", "algorithm": "jingchu-draw-v1", "inputs": vector_inputs(),
              "inputs_sm3": drawing.sm3_hex(drawing.canonical(vector_inputs())),
              "seed_sm3": drawing.sm3_hex(seed), "seed": seed.hex(), "result": result,
              "result_sm3": drawing.sm3_hex(drawing.canonical(result)),
              "ledger": {"commit_entry": 1, "reveal_entry": 2}}
    checks = drawing.verify_bundle(bundle)
    assert [c.name for c in checks] == ["inputs_sm3", "seed_sm3", "result", "result_sm3"]
    assert all(c.ok for c in checks)
    path = saved(bundle, tmp_path)
    assert script(path).returncode == 0 and verify(path=path)[0] == 0
