"""Every state change of 好差评, split by meaning; import them from here.

`common`: validation, when a step can be rated, writing a rating (every channel goes through
`create_review`). `rating`: online and phone ratings. `window`: the window rating device.
`sms`: SMS invitations and replies. `rectification`: rectifying and appealing bad ratings.

Each action is atomic, writes an AuditEvent, and refuses bad input with an ActionError before it
writes anything: 400 bad input, 403 not permitted, 409 wrong state or already done.
"""

from jingchu.reviews.actions.common import (
    clean_level,
    clean_scores,
    event_reached,
    open_rectification,
    rated_org,
    rectification_deadline,
)
from jingchu.reviews.actions.rating import do_rate_case, do_record_phone_rating
from jingchu.reviews.actions.rectification import (
    do_close_rectification,
    do_decide_appeal,
    do_file_appeal,
    do_record_callback,
    do_resolve_rectification,
)
from jingchu.reviews.actions.sms import (
    InboundSms,
    answer_inbound_sms,
    do_invite_sms_rating,
    do_rate_by_sms,
)
from jingchu.reviews.actions.window import (
    do_close_window_device,
    do_open_window_device,
    do_rate_at_window,
    live_device,
)

__all__ = [
    "InboundSms",
    "answer_inbound_sms",
    "clean_level",
    "clean_scores",
    "do_close_rectification",
    "do_close_window_device",
    "do_decide_appeal",
    "do_file_appeal",
    "do_invite_sms_rating",
    "do_open_window_device",
    "do_rate_at_window",
    "do_rate_by_sms",
    "do_rate_case",
    "do_record_callback",
    "do_record_phone_rating",
    "do_resolve_rectification",
    "event_reached",
    "live_device",
    "open_rectification",
    "rated_org",
    "rectification_deadline",
]
