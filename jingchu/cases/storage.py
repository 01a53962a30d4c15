"""Where case materials are kept: one small interface, a local-disk backend.

Every file goes through `backend()`, never through a model's FileField storage or a /media/ URL,
so an object store can replace the disk by naming another class in the Django setting
`CASES_FILE_STORAGE` (a dotted path; the class takes no arguments). Keys are opaque strings the
backend chose, stored on `CaseMaterial.file`; the local backend's keys are paths below MEDIA_ROOT
starting with `cases/`, so they agree with the model's `upload_to`.
"""

from __future__ import annotations

from django.utils import timezone

from jingchu.core.files import FileStore, PrefixedDiskStorage, store

PREFIX = "cases/"


class LocalDiskStorage(PrefixedDiskStorage):
    """Files on the local disk under MEDIA_ROOT/cases/ (jingchu.core.files)."""

    prefix = PREFIX


def backend() -> FileStore:
    return store("CASES_FILE_STORAGE", LocalDiskStorage)


def new_key(case_uid: str, material_uid: str, extension: str) -> str:
    """cases/YYYY/MM/<case uid>/<material uid>.<ext>: never the applicant's own file name,
    which may hold personal data or characters a file system refuses."""
    now = timezone.localdate()
    return f"{PREFIX}{now:%Y}/{now:%m}/{case_uid}/{material_uid}.{extension}"
