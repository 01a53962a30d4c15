"""The ledger's models (to be written)."""
