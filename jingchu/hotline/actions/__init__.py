"""Every state change of the hotline; each is one transaction that writes an AuditEvent."""
