"""Every state change of oversight tasks; each is one transaction that checks a named permission
first, refuses bad input before writing, writes one AuditEvent (`oversight.<thing>.<verb>`) and
a step of the task's timeline (TaskEvent).

- `issue`: issue, review (accept and close, or send back), cancel, read an attachment;
- `assignments`: sign for, report progress (the completion report last), sub-assign;
- `extensions`: ask for more time, decide;
- `escalation`: the overdue scan.
"""
