"""The draw verbs of `jingchu supervision`: `draw NUMBER --witness TEXT` runs a committed
plan's draw as the platform with a progress bar on stderr; `verify-draw (NUMBER | --file
BUNDLE.json)` checks a published draw.

`verify-draw`:

From the database (by plan number) or from a downloaded bundle file, it re-runs the draw
(jingchu.supervision.drawing, by the algorithm its inputs name: jingchu-draw-v2, or v1 for the
draws committed before it) and checks: the inputs hash to the committed SM3, the seed to the
committed SM3, the witness (v2) is well-formed, the result is exactly what the inputs, the seed
and the witness give; then, when this database holds the plan, that the ledger's commit and
reveal entries carry those same hashes and that witness (each entry's leaf hash recomputed and
its inclusion proven under the latest signed tree head), and that the inspections stored are
the result's. Exit status 0 only if everything checked
matches; 1 on any mismatch; 2 when there is nothing to check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DatabaseError

from jingchu.supervision import drawing, inputs
from jingchu.supervision.actions.plans import KIND_CANCELLED, KIND_COMMITTED, KIND_REVEALED
from jingchu.supervision.models import Draw, InspectionInspector, InspectionPlan

DRAW_LABELS = {"draw": "drawing"}


@dataclass(frozen=True)
class Line:
    name: str
    ok: bool
    detail: str


def _say(stdout: Any, text: str) -> None:
    stdout.write(text if text.endswith("\n") else text + "\n")


def _load(stdout: Any, number: str | None, path: str | None) -> dict[str, Any] | None:
    if path:
        try:
            loaded = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            _say(stdout, f"cannot read {path}: {exc}")
            return None
        if not isinstance(loaded, dict):
            _say(stdout, f"{path} is not a draw bundle")
            return None
        if number and loaded.get("plan") != number:
            _say(stdout, f"{path} is the bundle of plan {loaded.get('plan')}, not {number}")
            return None
        return loaded
    draw = Draw.objects.select_related("plan").filter(plan__number=number or "").first()
    if draw is None:
        _say(stdout, f"no committed draw for plan {number}")
        return None
    return inputs.bundle(draw)


# --- the ledger ---------------------------------------------------------------------------


def _entry_payload(index: Any, kinds: tuple[str, ...]) -> tuple[dict[str, Any] | None, str]:
    """The payload of the ledger entry at `index` if it is of one of `kinds`, its leaf hash
    recomputed and its inclusion proven; else None and why."""
    from jingchu.ledger import queries, verify
    from jingchu.ledger.actions import current_size
    from jingchu.ledger.models import Entry

    entry = Entry.objects.filter(index=index).first() if isinstance(index, int) else None
    if entry is None or entry.kind not in kinds:
        return None, f"no {'/'.join(kinds)} entry at index {index}"
    leaf = verify.leaf_hash(entry.payload.encode("utf-8"))
    if leaf != bytes(entry.leaf_hash):
        return None, f"entry #{index}: its leaf hash does not match its payload"
    head = queries.latest_tree_head()
    size, root, anchor = current_size(), None, "the current tree"
    if head is not None and index < head.tree_size:
        size, root = head.tree_size, bytes(head.root_hash)
        anchor = f"the signed tree head of size {size}"
    proof = queries.inclusion_proof(index, size)
    if not verify.verify_inclusion(leaf, index, size, proof.path, root or proof.root_hash):
        return None, f"entry #{index} is not included in {anchor}"
    return json.loads(entry.payload), f"entry #{index}, included in {anchor}"


def _commit_lines(bundle: dict[str, Any], inputs_hash: str) -> list[Line]:
    payload, why = _entry_payload(bundle.get("ledger", {}).get("commit_entry"),
                                  (KIND_COMMITTED,))
    if payload is None:
        return [Line("ledger commitment", False, why)]
    return [
        Line("ledger commitment", payload.get("plan") == bundle.get("plan"), why),
        Line("inputs vs ledger", payload.get("inputs_sm3") == inputs_hash,
             f"committed {payload.get('inputs_sm3')}"),
        Line("seed commitment vs ledger", payload.get("seed_sm3") == bundle.get("seed_sm3"),
             f"committed {payload.get('seed_sm3')}"),
    ]


def _reveal_lines(bundle: dict[str, Any]) -> list[Line]:
    ledger = bundle.get("ledger", {})
    cancelled = bundle.get("status") == "cancelled"
    kind = KIND_CANCELLED if cancelled else KIND_REVEALED
    payload, why = _entry_payload(ledger.get("reveal_entry"), (kind,))
    if payload is None:
        return [Line("ledger reveal", False, why)]
    lines = [Line("ledger reveal", payload.get("commit_entry") == ledger.get("commit_entry")
                  and payload.get("plan") == bundle.get("plan"), why),
             Line("seed vs ledger", payload.get("seed") == bundle.get("seed"),
                  f"revealed {payload.get('seed')}")]
    frozen = bundle.get("inputs")
    v2 = isinstance(frozen, dict) and frozen.get("algorithm") == drawing.ALGORITHM_V2
    if not cancelled and v2:
        lines.append(Line("witness vs ledger", payload.get("witness") == bundle.get("witness"),
                          f"revealed {payload.get('witness')}"))
    if not cancelled:
        result = bundle.get("result")
        mine = drawing.sm3_hex(drawing.canonical(result)) if isinstance(result, dict) else ""
        lines.append(Line("result vs ledger", payload.get("result_sm3") == mine,
                          f"recorded {payload.get('result_sm3')}"))
    return lines


def _ledger_lines(bundle: dict[str, Any]) -> list[Line]:
    try:
        held = InspectionPlan.objects.filter(number=str(bundle.get("plan"))).exists()
    except DatabaseError:
        held = False
    if not held:
        return [Line("ledger", True, "not checked: this database does not hold the plan")]
    try:
        inputs_hash = drawing.sm3_hex(drawing.canonical(bundle.get("inputs")))
    except drawing.DrawInputError as exc:
        return [Line("ledger", False, str(exc))]
    lines = _commit_lines(bundle, inputs_hash)
    if bundle.get("seed") is not None:
        lines += _reveal_lines(bundle)
    return lines


def _stored_lines(bundle: dict[str, Any]) -> list[Line]:
    """The inspections in the database against the result (a drawn plan of this database)."""
    result = bundle.get("result")
    if not isinstance(result, dict) or bundle.get("status") == "cancelled":
        return []
    number = str(bundle.get("plan"))
    if not InspectionPlan.objects.filter(number=number).exists():
        return []
    stored: dict[str, tuple[str, str, list[str]]] = {}
    links = (InspectionInspector.objects.filter(inspection__plan__number=number)
             .select_related("inspection__legal_entity", "inspector")
             .order_by("inspection__number", "position"))
    for link in links:
        row = stored.setdefault(link.inspection.number, (
            link.inspection.legal_entity.uscc, link.inspection.grade, []))
        row[2].append(link.inspector.certificate_number)
    expected = {f"{number}-{row['n']:04d}": (row["uscc"], row["grade"], row["inspectors"])
                for row in result.get("inspections", [])}
    return [Line("stored inspections", stored == expected,
                 f"{len(stored)} in the database, {len(expected)} in the result")]


def verify_draw(stdout: Any, *, number: str | None, path: str | None) -> int:
    """Re-run and check a draw; print each check; 0 only if everything matches."""
    bundle = _load(stdout, number, path)
    if bundle is None:
        return 2
    _say(stdout, f"plan {bundle.get('plan')} ({bundle.get('status')}), "
                 f"algorithm {bundle.get('algorithm')}")
    lines = [Line(c.name, c.ok, c.detail) for c in drawing.verify_bundle(bundle)]
    if bundle.get("bundle") == drawing.BUNDLE_FORMAT:
        lines += _ledger_lines(bundle) + _stored_lines(bundle)
    for line in lines:
        _say(stdout, f"{'OK  ' if line.ok else 'FAIL'} {line.name}: {line.detail}")
    if bundle.get("seed") is None:
        _say(stdout, "the seed is not revealed yet: only the commitment was checked")
    failed = [line for line in lines if not line.ok]
    _say(stdout, "everything matches" if not failed else f"{len(failed)} check(s) FAILED")
    return 0 if not failed else 1


# --- running a draw -----------------------------------------------------------------------


def draw(stdout: Any, stderr: Any, *, number: str, witness: str) -> int:
    """Run plan NUMBER's committed draw with the witness code announced at the draw, as the
    platform (do_run_draw(system=True)), showing on `stderr` (a management command's
    OutputWrapper) how many drawn entities have their inspectors. Exit status 0 drawn, 1
    refused (the plan is not committed, the witness is malformed ...: nothing drawn), 2 no
    such plan."""
    from jingchu.core.errors import ActionError
    from jingchu.core.progress import ProgressBar
    from jingchu.supervision.actions.plans import do_run_draw

    plan = InspectionPlan.objects.filter(number=number).first()
    if plan is None:
        _say(stdout, f"no plan {number}")
        return 2
    bar = ProgressBar(stderr, DRAW_LABELS)
    try:
        done = do_run_draw(None, plan, witness=witness, system=True,
                           progress=lambda count, total: bar("draw", count, total))
    except ActionError as exc:
        bar.end()
        _say(stdout, f"The draw of plan {number} was not run: {exc.message}")
        return 1
    bar.end()
    count = plan.inspections.count()
    _say(stdout, f"Drew {count} inspection(s) for plan {number}: seed {done.seed}, "
                 f"result SM3 {done.result_hash}, ledger entry #{done.reveal_entry}.")
    return 0
