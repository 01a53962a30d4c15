"""Every state change of the business-environment evaluation: atomic, permission-checked first,
validated before anything is written, audited."""
