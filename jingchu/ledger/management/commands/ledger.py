"""`jingchu ledger verify`: check the whole ledger (every leaf hash, every stored node, every
signed tree head) with a progress bar on stderr; exits with status 1 naming the first
tampered entry, node or tree head. `jingchu ledger sign [--force]`: sign a tree head now (the
periodic task does it when entries were appended)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from jingchu.core.errors import ActionError
from jingchu.ledger import actions, checks

BAR_WIDTH = 30


class ProgressBar:
    """`verifying [#######.......]  70000/200000` on one line of stderr, redrawn at most ten
    times a second (the same bar as `jingchu licenses import`)."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out, self.drawn, self.started = out, 0.0, False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn, self.started = now, True
        filled = BAR_WIDTH * done // max(total, 1)
        self.out.write(f"\rverifying [{'#' * filled}{'.' * (BAR_WIDTH - filled)}]"
                       f" {done:>9}/{total}", ending="")
        self.out.flush()

    def end(self) -> None:
        if self.started:
            self.out.write("")


class Command(BaseCommand):
    help = "Evidence ledger: verify the whole log, or sign a tree head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="recompute every hash and check every signed tree head")
        sign = sub.add_parser("sign", help="sign a tree head of the current log")
        sign.add_argument("--force", action="store_true",
                          help="sign even if nothing was appended since the latest tree head")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "sign":
            self._sign(options["force"])
        else:
            self._verify()

    def _sign(self, force: bool) -> None:
        try:
            head = actions.do_sign_tree_head(None, force=force)
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        if head is None:
            self.stdout.write("No tree head was due (use --force to sign anyway).")
            return
        self.stdout.write(f"Signed tree head: size {head.tree_size}, root "
                          f"{bytes(head.root_hash).hex()}, seal {head.seal.es_id}.")

    def _verify(self) -> None:
        self.stderr.style_func = None  # the bar is not an error
        bar = ProgressBar(self.stderr)
        started = time.monotonic()
        problem = checks.check_log(bar)
        bar.end()
        if problem is not None:
            raise CommandError(f"The ledger does not verify: {problem}")
        self.stdout.write(f"The ledger verifies: {actions.current_size()} entries, their tree "
                          f"and every signed tree head, in {time.monotonic() - started:.1f} s.")
