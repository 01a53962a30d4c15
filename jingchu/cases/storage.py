"""Where case materials are kept: one small interface, a local-disk backend.

Every file goes through `backend()`, never through a model's FileField storage or a /media/ URL,
so an object store can replace the disk by naming another class in the Django setting
`CASES_FILE_STORAGE` (a dotted path; the class takes no arguments). Keys are opaque strings the
backend chose, stored on `CaseMaterial.file`; the local backend's keys are paths below MEDIA_ROOT
starting with `cases/`, so they agree with the model's `upload_to`.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.module_loading import import_string

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


class LocalDiskStorage:
    """Files on the local disk under MEDIA_ROOT/cases/, through Django's FileSystemStorage.

    `base_url=None` on purpose: these files have no URL; a permission-checked view streams them.
    MEDIA_ROOT is read when the backend is made, so tests may point it at a temporary folder.
    """

    def __init__(self) -> None:
        self._fs = FileSystemStorage(location=Path(settings.MEDIA_ROOT), base_url=None)

    @staticmethod
    def _checked(key: str) -> str:
        if not key.startswith(PREFIX) or ".." in Path(key).parts:
            raise ValueError(f"not a case file key: {key!r}")
        return key

    def save(self, name: str, content: File) -> str:
        return self._fs.save(self._checked(name), content)

    def open(self, key: str) -> IO[bytes]:
        handle: IO[bytes] = self._fs.open(self._checked(key), "rb")
        return handle

    def delete(self, key: str) -> None:
        self._fs.delete(self._checked(key))

    def exists(self, key: str) -> bool:
        return bool(self._fs.exists(self._checked(key)))


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
