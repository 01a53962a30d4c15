"""SM2 sign and verify per second through the seal service's own code path, next to
`openssl speed sm2` (the anchor, native OpenSSL 3) in the same run, as ratios. `make bench-seals`
runs it and writes bench/RESULTS-seals.md.

Rounds alternate anchor and service so that a busy neighbour slows both alike; each figure is the
median over the rounds, counted per second of this process's CPU time as `openssl speed`
counts it (its default is user CPU time). The message is 20 bytes, as `openssl speed` signs.

Measured paths (all on one core):
- sign: `get_keystore().sign(seal.key_ref, data)`, the call inside do_sign_document and
  do_sign_raw (key cached by the database key store after its first SM4 decryption), which is
  tongsuopy's SM2 with SM3 and the user ID, Z computed per signature.
- verify: `service.verify_raw(seal certificate, data, signature)` (public key cached per
  certificate).
- shown for information, not compared: `service.sign_raw` (signature + SealUse row + AuditEvent
  in one transaction, SQLite in a temporary folder), and `service.sign` / `service.verify` of
  a sealed document (DER SES_Signature build and full verification with the chain and the
  registry).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-seals.md"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
GOAL = 0.70
MESSAGE = bytes(range(20))


def setup_django(var_dir: Path) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "jingchu.settings", "JINGCHU_DEMO": "false",
        "JINGCHU_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "JINGCHU_SM4_KEY": "00112233445566778899aabbccddeeff",
        "JINGCHU_BLIND_INDEX_KEY": "bench-blind-index-key",
        "JINGCHU_DATABASE_URL": f"sqlite:///{var_dir / 'bench.sqlite3'}",
        "JINGCHU_VAR_DIR": str(var_dir), "JINGCHU_LOG_LEVEL": "WARNING",
        "JINGCHU_REDIS_URL": "",
    })
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_seal() -> Any:
    from jingchu.core.demo import load_organizations
    from jingchu.core.regions import load_regions
    from jingchu.seals import actions
    from jingchu.seals.choices import SealKind

    load_regions(townships_under=[])
    orgs = load_organizations()
    actions.do_create_root(None, organization=orgs["hb-zwb"])
    return actions.do_create_seal(None, orgs["wh-scjg"], kind=SealKind.LICENSE)


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second of process CPU time, over at least `seconds` of it."""
    fn()
    count, start = 0, time.process_time()
    while True:
        for _ in range(20):
            fn()
        count += 20
        spent = time.process_time() - start
        if spent >= seconds:
            return count / spent


def openssl_speed(seconds: float) -> tuple[float, float]:
    """(sign/s, verify/s) from `openssl speed -mr sm2`: the +F7 line is
    +F7:<n>:<bits>:<curve>:<sign/s>:<verify/s>."""
    done = subprocess.run(["openssl", "speed", "-mr", "-seconds", str(int(max(1, seconds))),
                           "sm2"], capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        if line.startswith("+F7:"):
            fields = line.split(":")
            return float(fields[4]), float(fields[5])
    raise SystemExit("no +F7 line in `openssl speed -mr sm2` output:\n" + done.stdout)


def measure(seal: Any) -> dict[str, list[float]]:
    from jingchu.seals import service
    from jingchu.seals.keystore import get_keystore

    store, cert = get_keystore(), bytes(seal.certificate)
    signature = store.sign(seal.key_ref, MESSAGE)
    assert service.verify_raw(cert, MESSAGE, signature)
    figures: dict[str, list[float]] = {k: [] for k in (
        "openssl sign", "openssl verify", "service sign", "service verify")}
    for n in range(ROUNDS):
        o_sign, o_verify = openssl_speed(SECONDS)
        figures["openssl sign"].append(o_sign)
        figures["openssl verify"].append(o_verify)
        figures["service sign"].append(rate(lambda: store.sign(seal.key_ref, MESSAGE), SECONDS))
        figures["service verify"].append(
            rate(lambda: service.verify_raw(cert, MESSAGE, signature), SECONDS))
        print(f"round {n + 1}/{ROUNDS}: " + ", ".join(
            f"{k} {v[-1]:.0f}/s" for k, v in figures.items()), flush=True)
    return figures


def measure_full(seal: Any) -> dict[str, float]:
    """The whole service calls, with their database rows (informational)."""
    from jingchu.seals import service

    document = b"%PDF-1.7 " + bytes(4000)
    sealed = service.sign(None, seal, document, "bench.pdf")
    assert service.verify(document, sealed).valid
    return {
        "service.sign_raw (with SealUse + AuditEvent)": rate(
            lambda: service.sign_raw(seal, MESSAGE, purpose="bench"), SECONDS),
        "service.sign (SES_Signature + SealUse + AuditEvent)": rate(
            lambda: service.sign(None, seal, document, "bench.pdf"), SECONDS),
        "service.verify (SES_Signature, chain, registry)": rate(
            lambda: service.verify(document, sealed), SECONDS),
    }


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    from tongsuopy.backends.tongsuo import backend

    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout
    return (f"nproc: {os.cpu_count()}, cpu: {cpu}, python: {platform.python_version()}, "
            f"openssl: {openssl.strip()}, tongsuopy's library: "
            f"{backend.openssl_version_text()}, load average at the end: "
            f"{os.getloadavg()[0]:.2f}")


def report(figures: dict[str, list[float]], full: dict[str, float], start_load: float) -> str:
    med = {k: statistics.median(v) for k, v in figures.items()}
    sign_ratio = med["service sign"] / med["openssl sign"]
    verify_ratio = med["service verify"] / med["openssl verify"]
    rows = [
        f"| sign | {med['service sign']:.0f} | {med['openssl sign']:.0f} | {sign_ratio:.0%} | "
        f"{'met' if sign_ratio >= GOAL else 'not met'} |",
        f"| verify | {med['service verify']:.0f} | {med['openssl verify']:.0f} | "
        f"{verify_ratio:.0%} | {'met' if verify_ratio >= GOAL else 'not met'} |",
    ]
    paired = {op: statistics.median(s / o for s, o in zip(
        figures[f"service {op}"], figures[f"openssl {op}"], strict=True))
        for op in ("sign", "verify")}
    rounds = "\n".join(
        f"| {k} | " + " | ".join(f"{x:.0f}" for x in v) + " |" for k, v in figures.items())
    extra = "\n".join(f"| {k} | {v:.0f} |" for k, v in full.items())
    return f"""# Benchmark: SM2 through the seal service next to native OpenSSL (issue 4)

Written by `make bench-seals` (bench/seals_sm2.py) on {dt.date.today().isoformat()}: {ROUNDS}
rounds of {SECONDS:g} s each, anchor and service alternating; medians; per second of process CPU
time (as `openssl speed` counts by default); 20-byte messages; one core. Rerun to refresh.

## Machine
{machine()}, load average at the start: {start_load:.2f}

## Results (goal: at least {GOAL:.0%} of native for both)

| operation | service per second | `openssl speed sm2` per second | ratio | goal |
|---|---|---|---|---|
{chr(10).join(rows)}

Service sign = `get_keystore().sign(seal.key_ref, data)`, the call inside `do_sign_document` and
`do_sign_raw`; service verify = `jingchu.seals.service.verify_raw(certificate, data,
signature)`. Both are SM2 with SM3 and Z over the user ID 1234567812345678, as OpenSSL's.
The median of the per-round ratios (each round's service figure over the same round's anchor),
less sensitive to a neighbour's load changing between rounds: sign {paired["sign"]:.0%},
verify {paired["verify"]:.0%}.

### Each round

| figure | {" | ".join(f"round {n + 1}" for n in range(ROUNDS))} |
|---|{"---|" * ROUNDS}
{rounds}

### Whole service calls (informational; SQLite in a temporary folder)

| call | per second |
|---|---|
{extra}
"""


def main() -> None:
    if shutil.which("openssl") is None:
        raise SystemExit("the openssl binary is needed for the anchor")
    start_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="jingchu-bench-seals-") as tmp:
        setup_django(Path(tmp))
        seal = make_seal()
        figures = measure(seal)
        full = measure_full(seal)
    text = report(figures, full, start_load)
    RESULTS.write_text(text, encoding="utf-8")
    print(re.sub(r"(?s)### Each round.*", "", text))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
