"""Where the files of oversight tasks are kept, and what may be attached.

Files attached to a task's instruction or to a progress report go through `backend()`, never
through a model's FileField or a /media/ URL: an object store can replace the disk by naming
another class in the Django setting `OVERSIGHT_FILE_STORAGE` (a dotted path; the class takes no
arguments). The local backend's keys are paths below MEDIA_ROOT starting with `oversight/`.

At most MAX_FILES files of at most MAX_BYTES each go with one instruction or report; only the
formats jingchu.core.files knows (PDF, JPEG, PNG) are accepted, recognised by their first bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from jingchu.core import files
from jingchu.core.files import FileStore, PrefixedDiskStorage, store

PREFIX = "oversight/"
MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024


class LocalDiskStorage(PrefixedDiskStorage):
    """Files on the local disk under MEDIA_ROOT/oversight/ (jingchu.core.files)."""

    prefix = PREFIX


def backend() -> FileStore:
    return store("OVERSIGHT_FILE_STORAGE", LocalDiskStorage)


def new_key(task_uid: str, attachment_uid: str, extension: str) -> str:
    """oversight/YYYY/MM/<task uid>/<attachment uid>.<ext>: never the uploader's file name."""
    now = timezone.localdate()
    return f"{PREFIX}{now:%Y}/{now:%m}/{task_uid}/{attachment_uid}.{extension}"


CheckedFile = files.CheckedFile


def check_file(upload: Any) -> CheckedFile:
    return files.check_upload(upload, max_bytes=MAX_BYTES, field="attachments")


def check_files(uploads: Iterable[Any]) -> list[CheckedFile]:
    """Every upload checked before anything is written; refuses the lot on the first fault."""
    return files.check_uploads(uploads, max_files=MAX_FILES, max_bytes=MAX_BYTES,
                               field="attachments")
