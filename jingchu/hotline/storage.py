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
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import files
from jingchu.core.errors import ActionError
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


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what the attachment row records."""

    upload: File
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _refuse(code: str, message: str) -> ActionError:
    return ActionError(code, message, {"field": "files"})


def check_file(upload: Any) -> CheckedFile:
    if not isinstance(upload, File):
        raise _refuse("file_required", _("Please choose a file."))
    size = int(upload.size or 0)
    if not size:
        raise _refuse("file_empty", _("The file is empty."))
    if size > MAX_BYTES:
        raise _refuse("file_too_large", _("The file is larger than %(mb)d MB.")
                      % {"mb": MAX_BYTES // (1024 * 1024)})
    extension, content_type = files.sniff(files.read_head(upload), upload.name or "",
                                          field="files")
    return CheckedFile(upload=upload, name=files.display_name(upload.name or ""),
                       extension=extension, content_type=content_type, size=size,
                       sha256=files.digest(upload))


def check_files(uploads: Iterable[Any]) -> list[CheckedFile]:
    """Every upload checked before anything is written; refuses the lot on the first fault."""
    items = list(uploads or ())
    if len(items) > MAX_FILES:
        raise _refuse("too_many_files", _("At most %(n)d files may be attached.")
                      % {"n": MAX_FILES})
    return [check_file(item) for item in items]
