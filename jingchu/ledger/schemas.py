"""Pydantic shapes of the ledger API. Hashes and signatures are lowercase hexadecimal."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class TreeHeadOut(Schema):
    tree_size: int
    timestamp_ms: int = Field(description="milliseconds since 1970-01-01 UTC")
    timestamp: str
    root_hash: str = Field(description="SM3 Merkle tree hash (RFC 9162 §2.1.1), hex")
    signature: str = Field(description="SM2 signature (DER r, s), hex, of signed_bytes")
    signed_bytes: str = Field(description="what was signed, hex: \"JCLSTH01\" || uint64 "
                                          "timestamp_ms || uint64 tree_size || root_hash")
    key_id: str = Field(description="SM3 of the signer certificate (DER), hex")
    signer_es_id: str
    signer_certificate_pem: str
    root_certificate_pem: str
    ledger_size: int = Field(description="entries in the log now (may exceed tree_size)")


class EntryOut(Schema):
    index: int
    kind: str
    object_type: str
    object_id: str
    payload: str = Field(description="the leaf bytes: canonical JSON (sorted keys, no spaces)")
    leaf_hash: str = Field(description="SM3(0x00 || payload bytes), hex")
    appended_at: str


class InclusionProofOut(Schema):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str] = Field(description="RFC 9162 §2.1.3.1 PATH(m, D[n]), hex")
    root_hash: str = Field(description="MTH of the first tree_size entries; compare it with a "
                                       "signed tree head of that size")


class ConsistencyProofOut(Schema):
    first: int
    second: int
    consistency_path: list[str] = Field(description="RFC 9162 §2.1.4.1 PROOF(m, D[n]), hex")
    first_root_hash: str
    second_root_hash: str
