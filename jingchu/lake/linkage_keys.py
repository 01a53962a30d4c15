"""The stable person key (人员主键) of record linkage: the same person gets the same key on every
run, whatever order the records come in and whatever else the datasets hold.

Definition (docs/lake-linkage.md, "Stable person key"):

1. Each cluster of records that linkage puts together is anchored on one ID number: among the
   cluster's records whose ID number is valid (GB 11643: shape, a real birth date, the check
   character), the numbers held by the first dataset (the population base) come first, then the
   number held by most records, then the smallest. A corrupted copy of a number almost always
   fails its check character, so it never anchors.
2. The key is ``"P"`` + the first 32 hex digits of HMAC-SM3 under the platform's blind-index key
   over ``"jingchu:person-key:" + the anchor``. It depends on nothing but the ID number and the
   key, so re-running over shuffled or grown inputs gives an unchanged person the same key. The
   domain prefix keeps a key from equalling the ID number's blind index, so a leaked key map
   cannot be joined to the encrypted registers.
3. A number anchors one cluster only. When linkage kept two clusters apart although both
   prefer the same number (a number copied into someone else's record is a common entry
   error; the model found the names, birth dates ... too different), the number goes to the
   cluster with the strongest claim — held in the base, then by more records, then the
   smallest record signature — and the others count as ID conflicts for review. Merging them
   instead would put two persons' records in one file (一人一档 gone wrong); a split person
   is the smaller harm, and the report's samples show every kind of conflict for review.
4. A cluster without any valid number of its own (or whose number another cluster owns) is
   anchored on its smallest record signature (name, birth date, gender, phone, the number as
   written) and keyed ``"N"`` + HMAC over ``"jingchu:person-key:noid:" + signature``: stable
   while the cluster's records are, but provisional: it changes once the person's records
   carry a valid number of their own.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable

import duckdb
import pyarrow as pa

from jingchu.core.crypto import hmac_sm3

KEY_HEX = 32
ANCHORED, PROVISIONAL = "P", "N"
_DOMAIN = b"jingchu:person-key:"
_DOMAIN_NOID = b"jingchu:person-key:noid:"

# GB 11643 in SQL, so the validity of a million numbers is one vectorised pass.
ID_OK_MACRO = """
CREATE OR REPLACE MACRO jc_id_ok(x) AS (
  x IS NOT NULL AND regexp_full_match(x, '[0-9]{17}[0-9X]')
  AND try_strptime(substr(x, 7, 8), '%Y%m%d') IS NOT NULL
  AND substr('10X98765432', (list_sum(list_transform(range(17), lambda i:
        (ascii(x[i + 1]) - 48) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1]
      )) % 11)::INTEGER + 1, 1) = x[18]
)
"""


def _hmac_function(secret: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SM3 under `secret`: through OpenSSL's SM3 when the Python build has it (several
    times faster on a million anchors), else the platform's own (jingchu.core.crypto). Both
    give the same bytes; a test checks it."""
    if "sm3" in hashlib.algorithms_available:
        base = hmac.new(secret, digestmod="sm3")

        def fast(message: bytes) -> bytes:
            mac = base.copy()
            mac.update(message)
            return mac.digest()

        return fast
    return lambda message: hmac_sm3(secret, message)


def person_key(secret: bytes, id_number: str) -> str:
    """The key of the person with this (valid, normalised) ID number."""
    return ANCHORED + _hmac_function(secret)(_DOMAIN + id_number.encode()).hex()[:KEY_HEX]


def provisional_key(secret: bytes, signature: str) -> str:
    return PROVISIONAL + _hmac_function(secret)(_DOMAIN_NOID + signature.encode()).hex()[:KEY_HEX]


def keys_for(secret: bytes, anchors: Iterable[tuple[str, str]]) -> list[str]:
    """Keys for (kind, anchor) pairs, kind being ANCHORED or PROVISIONAL."""
    mac = _hmac_function(secret)
    return [kind + mac((_DOMAIN if kind == ANCHORED else _DOMAIN_NOID) + anchor.encode())
            .hex()[:KEY_HEX] for kind, anchor in anchors]


ANCHOR_SQL = """
CREATE OR REPLACE TABLE jc_anchor AS
WITH ids AS (
    SELECT cluster_id, id_number, max(source_rank = 0) AS in_base, count(*) AS n
    FROM jc_members WHERE id_ok GROUP BY cluster_id, id_number
), signatures AS (
    SELECT cluster_id,
           min(concat_ws('|', coalesce(name, ''), coalesce(CAST(birth_date AS VARCHAR), ''),
                         coalesce(gender, ''), coalesce(phone, ''),
                         coalesce(id_number, ''))) AS signature
    FROM jc_members GROUP BY cluster_id
), preferred AS (
    SELECT cluster_id, first(id_number ORDER BY in_base DESC, n DESC, id_number) AS id_number
    FROM ids GROUP BY cluster_id
), owners AS (
    SELECT p.id_number,
           first(p.cluster_id ORDER BY i.in_base DESC, i.n DESC, s.signature) AS cluster_id
    FROM preferred p JOIN ids i USING (cluster_id, id_number) JOIN signatures s USING (cluster_id)
    GROUP BY p.id_number
)
SELECT s.cluster_id,
       CASE WHEN o.cluster_id IS NULL THEN 'N' ELSE 'P' END AS kind,
       CASE WHEN o.cluster_id IS NULL THEN s.signature ELSE p.id_number END AS anchor,
       p.id_number IS NOT NULL AND o.cluster_id IS NULL AS conflict,
       p.id_number AS preferred
FROM signatures s
LEFT JOIN preferred p USING (cluster_id)
LEFT JOIN owners o ON o.cluster_id = s.cluster_id AND o.id_number = p.id_number
"""


def assign_keys(con: duckdb.DuckDBPyConnection, secret: bytes) -> None:
    """From `jc_members` (cluster_id, source_rank, id_number, name, birth_date, gender, phone,
    id_ok), make `jc_anchor` (cluster_id, kind, anchor, conflict, preferred number) and
    `jc_keys` (cluster_id, person_key, kind). Only the distinct anchors travel to Python for
    the HMAC."""
    con.execute(ANCHOR_SQL)
    anchors = con.sql("SELECT DISTINCT kind, anchor FROM jc_anchor").to_arrow_table()
    kinds, values = anchors.column("kind").to_pylist(), anchors.column("anchor").to_pylist()
    table = pa.table({"kind": kinds, "anchor": values,
                      "person_key": keys_for(secret, zip(kinds, values, strict=True))})
    con.register("jc_anchor_keys", table)
    con.execute("""
        CREATE OR REPLACE TABLE jc_keys AS
        SELECT a.cluster_id, k.person_key, a.kind
        FROM jc_anchor a JOIN jc_anchor_keys k USING (kind, anchor)
    """)
    con.unregister("jc_anchor_keys")
