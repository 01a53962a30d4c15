"""Where inspection evidence is kept, and what may be kept.

Every file goes through `backend()`, never through a model's FileField or a /media/ URL, so an
object store can replace the disk by naming another class in the Django setting
`SUPERVISION_FILE_STORAGE` (a dotted path; the class takes no arguments). The local backend's
keys are paths below MEDIA_ROOT starting with `supervision/`.

An inspection keeps at most MAX_FILES files of at most MAX_BYTES each; only PDF, JPEG and PNG
are accepted, recognised by their first bytes (jingchu.core.files).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jingchu.core import files
from jingchu.core.files import FileStore, PrefixedDiskStorage, store

PREFIX = "supervision/"
MAX_FILES = 20
MAX_BYTES = 20 * 1024 * 1024
FIELD = "file"


class LocalDiskStorage(PrefixedDiskStorage):
    """Files on the local disk under MEDIA_ROOT/supervision/ (jingchu.core.files)."""

    prefix = PREFIX


def backend() -> FileStore:
    return store("SUPERVISION_FILE_STORAGE", LocalDiskStorage)


def new_key(inspection_uid: str, evidence_uid: str, extension: str) -> str:
    """supervision/YYYY/MM/<inspection uid>/<evidence uid>.<ext>: never the uploader's file
    name, which may hold personal data or characters a file system refuses."""
    now = timezone.localdate()
    return f"{PREFIX}{now:%Y}/{now:%m}/{inspection_uid}/{evidence_uid}.{extension}"


CheckedFile = files.CheckedFile


def check_file(upload: Any) -> CheckedFile:
    return files.check_upload(upload, max_bytes=MAX_BYTES, field=FIELD)
