"""Uploaded files the apps keep: what may be uploaded, and a local-disk store below MEDIA_ROOT.

Only PDF, JPEG and PNG are accepted, recognised by their first bytes (an extension alone proves
nothing). Files have no URL: a permission-checked view of the owning app streams them. Each app
keeps its files under its own key prefix (`cases/`, `hotline/`) through a `PrefixedDiskStorage`,
and may name another backend class in a setting of its own (an object store). `check_upload`
and `check_uploads` refuse what may not be kept, before anything is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError

# (magic bytes, canonical extension, extensions accepted for it, content type)
FORMATS = [
    (b"%PDF-", "pdf", {"pdf"}, "application/pdf"),
    (b"\xff\xd8\xff", "jpg", {"jpg", "jpeg"}, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", {"png"}, "image/png"),
]
MAX_NAME = 200


def sniff(head: bytes, filename: str, *, field: str = "file") -> tuple[str, str]:
    """(extension, content type) of a permitted file, or refuse it (naming `field`)."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    for magic, canonical, extensions, content_type in FORMATS:
        if head.startswith(magic):
            if extension not in extensions:
                raise ActionError("file_extension_mismatch",
                                  _("The file name does not match its content."),
                                  {"field": field})
            return canonical, content_type
    raise ActionError("file_type", _("Only PDF, JPEG and PNG files are accepted."),
                      {"field": field})


def read_head(upload: File) -> bytes:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return bytes(head)


def digest(upload: File) -> str:
    """SHA-256 of the whole upload, hex; the file is left at its start."""
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def display_name(raw: str) -> str:
    """Only the last path part, without control characters: shown back and sent as the name."""
    name = PurePath(raw.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return name[-MAX_NAME:] or "file"


class PrefixedDiskStorage:
    """Files on the local disk under MEDIA_ROOT/<prefix>, through Django's FileSystemStorage,
    refusing keys outside the prefix. `base_url=None` on purpose: these files have no URL.
    MEDIA_ROOT is read when the backend is made, so tests may point it at a temporary folder."""

    prefix = ""

    def __init__(self) -> None:
        self._fs = FileSystemStorage(location=Path(settings.MEDIA_ROOT), base_url=None)

    def _checked(self, key: str) -> str:
        if not self.prefix or not key.startswith(self.prefix) or ".." in Path(key).parts:
            raise ValueError(f"not a {self.prefix!r} file key: {key!r}")
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


class FileStore(Protocol):
    """What an app's actions need of a file store."""

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


def store(setting: str, default: type[PrefixedDiskStorage]) -> FileStore:
    """The backend the Django setting `setting` names (a dotted class path taking no
    arguments, e.g. an object store), else the app's local-disk store `default`."""
    dotted = getattr(settings, setting, "")
    if dotted:
        backend: FileStore = import_string(dotted)()
        return backend
    return default()


# --- checking uploads ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what the owning app's attachment row records."""

    upload: File
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _refuse(code: str, message: str, field: str) -> ActionError:
    return ActionError(code, message, {"field": field})


def check_upload(upload: object, *, max_bytes: int, field: str = "file") -> CheckedFile:
    """One upload: present, not empty, at most `max_bytes`, of a known format by its first
    bytes. Refused with an ActionError naming `field`."""
    if not isinstance(upload, File):
        raise _refuse("file_required", _("Please choose a file."), field)
    size = int(upload.size or 0)
    if not size:
        raise _refuse("file_empty", _("The file is empty."), field)
    if size > max_bytes:
        raise _refuse("file_too_large", _("The file is larger than %(mb)d MB.")
                      % {"mb": max_bytes // (1024 * 1024)}, field)
    extension, content_type = sniff(read_head(upload), upload.name or "", field=field)
    return CheckedFile(upload=upload, name=display_name(upload.name or ""),
                       extension=extension, content_type=content_type, size=size,
                       sha256=digest(upload))


def check_uploads(uploads: Iterable[object] | None, *, max_files: int, max_bytes: int,
                  field: str = "files") -> list[CheckedFile]:
    """Every upload checked before anything is written; refuses the lot on the first fault."""
    items = list(uploads or ())
    if len(items) > max_files:
        raise _refuse("too_many_files", _("At most %(n)d files may be attached.")
                      % {"n": max_files}, field)
    return [check_upload(item, max_bytes=max_bytes, field=field) for item in items]
