"""Where case materials are kept: one small interface, a local-disk backend.

Every file goes through `backend()`, never through a model's FileField storage or a /media/ URL,
so an object store can replace the disk by naming another class in the Django setting
`CASES_FILE_STORAGE` (a dotted path; the class takes no arguments). Keys are opaque strings the
backend chose, stored on `CaseMaterial.file`; the local backend's keys are paths below MEDIA_ROOT
starting with `cases/`, so they agree with the model's `upload_to`.
"""

from __future__ import annotations

from typing import IO, Protocol

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django.utils.module_loading import import_string

from jingchu.core.files import PrefixedDiskStorage

PREFIX = "cases/"


class CaseFileStorage(Protocol):
    """What the case actions need of a file store."""

    def save(self, name: str, content: File) -> str:
        """Store `content` under a key derived from `name`; answer the key actually used."""
        ...

    def open(self, key: str) -> IO[bytes]:
        ...

    def delete(self, key: str) -> None:
        """Remove the file; a key that is already gone is not an error."""
        ...

    def exists(self, key: str) -> bool:
        ...


class LocalDiskStorage(PrefixedDiskStorage):
    """Files on the local disk under MEDIA_ROOT/cases/ (jingchu.core.files)."""

    prefix = PREFIX


def backend() -> CaseFileStorage:
    dotted = getattr(settings, "CASES_FILE_STORAGE", "")
    if dotted:
        storage: CaseFileStorage = import_string(dotted)()
        return storage
    return LocalDiskStorage()


def new_key(case_uid: str, material_uid: str, extension: str) -> str:
    """cases/YYYY/MM/<case uid>/<material uid>.<ext>: never the applicant's own file name,
    which may hold personal data or characters a file system refuses."""
    now = timezone.localdate()
    return f"{PREFIX}{now:%Y}/{now:%m}/{case_uid}/{material_uid}.{extension}"
