"""Pages of the 12345 hotline under /hotline/: the citizen's portal, mobile page and own tickets
(`portal`), the operator's desk (`desk`, `desk_tickets`), the department's queue (`queue`), the
supervisors' configuration (`configuration`) and the statistics (`stats`)."""
