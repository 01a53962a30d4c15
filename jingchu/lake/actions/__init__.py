"""Every state change of the lake, by area: `datasets` (register, load, retire), `quality`
(rules, audits, rectifications) and `linkage` (record linkage runs). Each function is a
transaction and writes an AuditEvent; callers import the area module they need."""
