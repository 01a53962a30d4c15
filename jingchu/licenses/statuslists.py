"""The issuers' status lists: handing out positions and flipping bits (W3C Bitstring Status
List). Called by the actions inside their transactions; the rows are locked while changed."""

from __future__ import annotations

from django.utils import timezone

from jingchu.core.models import Organization
from jingchu.licenses import statuslist
from jingchu.licenses.choices import StatusPurpose
from jingchu.licenses.models import StatusList

# 16 Mi entries (2 MiB a list): far beyond one issuer's licences of a lifetime.
MAX_ENTRIES = 1 << 24


def _list(issuer: Organization, purpose: str) -> StatusList:
    found = StatusList.objects.select_for_update().filter(issuer=issuer, purpose=purpose).first()
    if found is None:
        StatusList.objects.get_or_create(issuer=issuer, purpose=purpose,
                                         defaults={"bits": bytes(statuslist.new_bits())})
        found = StatusList.objects.select_for_update().get(issuer=issuer, purpose=purpose)
    return found


def reserve(issuer: Organization, count: int = 1) -> int:
    """The first of `count` consecutive positions for new licences of `issuer` (the revocation
    list's counter, locked until the transaction ends, serves both lists)."""
    row = _list(issuer, StatusPurpose.REVOCATION)
    first = row.next_index
    if first + count > MAX_ENTRIES:
        raise OverflowError("the issuer's status list is full")
    row.next_index = first + count
    needed = (row.next_index + 7) // 8
    if needed > len(row.bits):  # grow in whole minimum-size blocks
        blocks = -(-needed // (statuslist.MIN_ENTRIES // 8))
        row.bits = bytes(row.bits) + bytes(blocks * statuslist.MIN_ENTRIES // 8 - len(row.bits))
    row.save(update_fields=["next_index", "bits"])
    return first


def set_status(issuer: Organization, purpose: str, index: int, value: bool) -> None:
    row = _list(issuer, purpose)
    bits = bytearray(row.bits)
    if (index // 8) >= len(bits):
        bits += bytes(-(-(index // 8 + 1 - len(bits)) // (statuslist.MIN_ENTRIES // 8))
                      * statuslist.MIN_ENTRIES // 8)
    statuslist.set_bit(bits, index, value)
    row.bits = bytes(bits)
    row.updated_at = timezone.now()
    row.save(update_fields=["bits", "updated_at"])
