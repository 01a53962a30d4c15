"""Operations that migrations share."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def lz4_compression(table: str, column: str) -> migrations.RunPython:
    """On PostgreSQL built with LZ4 (14 and later, as Debian's), compress `column` with LZ4
    instead of pglz. For seal signatures (about 4 kB, halved either way) pglz took 25 µs a
    value of the server's CPU and LZ4 9 µs; a bulk licence import writes two a licence.
    Elsewhere, or without LZ4, nothing changes."""

    def forward(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                           "WHERE name = 'default_toast_compression'")
            found = cursor.fetchone()
        if found and found[0]:
            quote = connection.ops.quote_name
            schema_editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                                  "SET COMPRESSION lz4")

    def backward(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            schema_editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                                  "SET COMPRESSION DEFAULT")

    return migrations.RunPython(forward, backward, elidable=False)
