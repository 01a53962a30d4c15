"""Every state change of a case, split by meaning; import them from here.

`drafts`: starting an application, its form. `lifecycle`: the status transitions, claiming.
"""

from jingchu.cases.actions.drafts import do_create_draft, do_prefill_form, do_save_form
from jingchu.cases.actions.lifecycle import do_claim, do_transition
from jingchu.cases.actions.materials import (
    do_attach_material,
    do_open_material,
    do_remove_material,
    do_use_held_material,
)

__all__ = ["do_claim", "do_create_draft", "do_prefill_form", "do_save_form", "do_transition"]
__all__ += ["do_attach_material", "do_open_material", "do_remove_material",
            "do_use_held_material"]
from jingchu.cases.actions.escalation import do_escalate_case, escalate_due_cases  # noqa: E402

__all__ += ["do_escalate_case", "escalate_due_cases"]
from jingchu.cases.actions.applications import do_submit_application  # noqa: E402

__all__ += ["do_submit_application"]
from jingchu.cases.actions.timeline import do_record_external_step  # noqa: E402

__all__ += ["do_record_external_step"]
