"""Every state change of a case, split by meaning; import them from here.

`drafts`: starting an application, its form. `lifecycle`: the status transitions, claiming.
"""

from jingchu.cases.actions.drafts import do_create_draft, do_save_form
from jingchu.cases.actions.lifecycle import do_claim, do_transition

__all__ = ["do_claim", "do_create_draft", "do_save_form", "do_transition"]
