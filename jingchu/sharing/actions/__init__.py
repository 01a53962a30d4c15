"""Every state change of data sharing; the only writers of the catalog, the lists, requests,
grants and error reports. Each action is atomic, audited and refuses before it writes."""

from jingchu.sharing.actions.catalog import (
    do_mount_resource,
    do_publish_resource,
    do_register_resource,
    do_retire_resource,
    do_unmount_resource,
    do_update_resource,
)
from jingchu.sharing.actions.errors import do_answer_error, do_report_error
from jingchu.sharing.actions.grants import (
    do_create_grant,
    do_resume_grant,
    do_revoke_grant,
    do_suspend_grant,
)
from jingchu.sharing.actions.lists import (
    do_create_list_entry,
    do_delete_list_entry,
    do_update_list_entry,
)
from jingchu.sharing.actions.requests import (
    do_approve_request,
    do_refuse_request,
    do_remind_due_reviews,
    do_submit_request,
    do_withdraw_request,
    review_deadline,
)

__all__ = [
    "do_answer_error", "do_approve_request", "do_create_grant", "do_create_list_entry",
    "do_delete_list_entry", "do_mount_resource", "do_publish_resource", "do_refuse_request",
    "do_register_resource", "do_remind_due_reviews", "do_report_error", "do_resume_grant",
    "do_retire_resource", "do_revoke_grant", "do_submit_request", "do_suspend_grant",
    "do_unmount_resource", "do_update_list_entry", "do_update_resource", "do_withdraw_request",
    "review_deadline",
]
