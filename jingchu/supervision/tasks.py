"""Background jobs of supervision. Each is idempotent: running one twice does no harm."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext as _


@shared_task(ignore_result=True)
def scan_publication_deadlines() -> dict[str, int]:
    """Alert on results due or late for publication (Celery beat, hourly)."""
    from jingchu.supervision.actions.inspections import do_scan_publication_deadlines

    return do_scan_publication_deadlines(None)


@shared_task(ignore_result=True)
def compute_credit_grades() -> int:
    """Recompute every supervised entity's credit grade (Celery beat, daily): complaints and
    penalties age out of their windows even when nothing new happens."""
    from jingchu.supervision.actions.credit import do_compute_grades

    return do_compute_grades(None)


@shared_task(ignore_result=True)
def run_requested_draw(draw_uid: str) -> str:
    """Run a draw requested on the plan page (actions.plans.do_request_draw) as the leader who
    requested it, with the witness given then, publishing its progress while it runs
    (draw_progress.DrawBoard). A draw not requested, already drawn, failed or cancelled is left
    alone (idempotent: a second run of the same request does nothing); a run that fails records
    why on the draw (nothing drawn), and the leader may request it again."""
    from jingchu.core.errors import ActionError
    from jingchu.supervision.actions.plans import do_record_draw_failure, do_run_draw
    from jingchu.supervision.choices import PlanStatus
    from jingchu.supervision.draw_progress import DrawBoard
    from jingchu.supervision.models import Draw

    draw = (Draw.objects.select_related("plan", "requested_by")
            .filter(uid=draw_uid).first())
    if draw is None or not draw.is_pending or draw.plan.status != PlanStatus.COMMITTED:
        return "not pending"
    board = DrawBoard(draw)
    try:
        do_run_draw(draw.requested_by, draw.plan, witness=draw.requested_witness,
                    progress=board)
    except ActionError as exc:  # kept on the draw, shown on the plan page
        board.close()
        return exc.code if do_record_draw_failure(draw, code=exc.code, message=exc.message) \
            else "not pending"
    except Exception:
        board.close()
        do_record_draw_failure(draw, code="draw_failed",
                               message=_("The draw failed; nothing was drawn."))
        raise
    finally:
        board.close()
    return "drawn"
