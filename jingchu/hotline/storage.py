"""Where ticket attachments are kept, and what may be attached.

Every file goes through `backend()`, never through a model's FileField or a /media/ URL, so an
object store can replace the disk by naming another class in the Django setting
`HOTLINE_FILE_STORAGE` (a dotted path; the class takes no arguments). The local backend's keys
are paths below MEDIA_ROOT starting with `hotline/`.

A ticket takes at most MAX_FILES files of at most MAX_BYTES each; only PDF, JPEG and PNG are
accepted, recognised by their first bytes (an extension alone proves nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from jingchu.core import files
from jingchu.core.files import FileStore, PrefixedDiskStorage, store

PREFIX = "hotline/"
MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024


class LocalDiskStorage(PrefixedDiskStorage):
    """Files on the local disk under MEDIA_ROOT/hotline/ (jingchu.core.files)."""

    prefix = PREFIX


def backend() -> FileStore:
    return store("HOTLINE_FILE_STORAGE", LocalDiskStorage)


def new_key(ticket_uid: str, attachment_uid: str, extension: str) -> str:
    """hotline/YYYY/MM/<ticket uid>/<attachment uid>.<ext>: never the caller's file name,
    which may hold personal data or characters a file system refuses."""
    now = timezone.localdate()
    return f"{PREFIX}{now:%Y}/{now:%m}/{ticket_uid}/{attachment_uid}.{extension}"


CheckedFile = files.CheckedFile


def check_file(upload: Any) -> CheckedFile:
    return files.check_upload(upload, max_bytes=MAX_BYTES, field="files")


def check_files(uploads: Iterable[Any]) -> list[CheckedFile]:
    """Every upload checked before anything is written; refuses the lot on the first fault."""
    return files.check_uploads(uploads, max_files=MAX_FILES, max_bytes=MAX_BYTES,
                               field="files")
