"""The ledger (区块链存证): an append-only Merkle transparency log after RFC 9162 §2.1, with SM3.

Only `jingchu.ledger.actions` writes these models. Everything here is PUBLIC: anyone may read
every entry through the API and the /ledger/ page, so a payload never holds personal data —
hashes and official identifiers only (docs/ledger.md).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.seals.models import Seal


class LedgerState(models.Model):
    """The one row (pk 1) every append locks: the log's size, so indexes never collide."""

    size = models.BigIntegerField(default=0)
    signer = models.ForeignKey(Seal, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ledger state")
        verbose_name_plural = _("ledger state")

    def __str__(self) -> str:
        return f"ledger of {self.size} entries"


class Entry(models.Model):
    """One leaf of the log. `index` is its public, permanent position (0, 1, 2 ...)."""

    index = models.BigIntegerField(_("index"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object"), max_length=200, blank=True)
    # The leaf bytes exactly: canonical JSON (sorted keys, no spaces, UTF-8). Kept as text, not
    # a JSON column, so that the database never reorders or reformats what was hashed.
    payload = models.TextField(_("payload"))
    leaf_hash = models.BinaryField(_("leaf hash"))
    appended_at = models.DateTimeField(_("appended at"))

    class Meta:
        ordering = ["index"]
        indexes = [
            models.Index(fields=["leaf_hash"], name="ledger_entry_leaf_hash"),
            models.Index(fields=["object_type", "object_id"], name="ledger_entry_object"),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"#{self.index} {self.kind}"


class Node(models.Model):
    """The hash of a complete (perfect) subtree: `key` = level << 42 | index (tree.node_key),
    covering leaves [index * 2^level, (index + 1) * 2^level); level 0 holds the leaf hashes.
    Written once, when its last leaf is appended."""

    key = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField()

    class Meta:
        verbose_name = _("ledger node")
        verbose_name_plural = _("ledger nodes")

    def __str__(self) -> str:
        return f"node {self.key}"


class TreeHead(models.Model):
    """A signed tree head: the root hash of the first `tree_size` entries at `timestamp_ms`,
    signed with SM2 under the ledger's seal (bytes signed: jingchu.ledger.signing)."""

    tree_size = models.BigIntegerField(_("tree size"))
    root_hash = models.BinaryField(_("root hash"))
    timestamp_ms = models.BigIntegerField(_("timestamp"))  # milliseconds since 1970, UTC
    signature = models.BinaryField(_("signature"))  # DER SEQUENCE {r, s}
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(_("signing key"), max_length=64)  # SM3 of the certificate DER

    class Meta:
        ordering = ["-timestamp_ms", "-id"]
        indexes = [models.Index(fields=["-timestamp_ms"], name="ledger_head_time")]
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")

    def __str__(self) -> str:
        return f"tree head {self.tree_size}"

    @property
    def timestamp(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp_ms / 1000, tz=dt.UTC)
