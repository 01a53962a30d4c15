"""Materials of a case: attaching an uploaded file, removing it, and reading it back.

Only PDF, JPEG and PNG are accepted, recognised by their first bytes (an extension alone proves
nothing), up to settings.UPLOAD_MAX_MB. The file is written first and the rows after it; if the
rows fail the file is deleted again, and a removal deletes the file only once the removal has
committed, so a rollback never leaves a row without its file nor a file without its row.
"""

from __future__ import annotations

import uuid
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.cases import material_sources, permissions, storage
from jingchu.cases.actions.drafts import require_editable
from jingchu.cases.models import Case, CaseMaterial
from jingchu.core import audit, files
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.services.choices import MaterialSource
from jingchu.services.models import MaterialRequirement

MAX_FILES_PER_REQUIREMENT = 10


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_MB", 10)) * 1024 * 1024


def _refuse(code: str, message: str) -> ActionError:
    return ActionError(code, message, {"field": "file"})


def _check_file(uploaded: Any) -> tuple[str, str]:
    if not isinstance(uploaded, UploadedFile):
        raise _refuse("file_required", _("Please choose a file."))
    if not uploaded.size:
        raise _refuse("file_empty", _("The file is empty."))
    if uploaded.size > max_bytes():
        raise _refuse("file_too_large", _("The file is larger than %(mb)d MB.")
                      % {"mb": max_bytes() // (1024 * 1024)})
    return files.sniff(files.read_head(uploaded), uploaded.name or "")


def _check_requirement(case: Case, requirement: MaterialRequirement) -> None:
    if requirement.version_id != case.version_id:
        raise ActionError("requirement_unknown", _("This material is not asked for here."),
                          {"field": "requirement"})
    if requirement.source != MaterialSource.UPLOAD and not _scan_allowed(case, requirement):
        raise ActionError("upload_not_needed",
                          _("No upload is needed for this material: it is fetched for you."),
                          {"field": "requirement"})
    count = case.materials.filter(requirement=requirement).count()
    if count >= MAX_FILES_PER_REQUIREMENT:
        raise ActionError("too_many_files", _("At most %(n)d files per material.")
                          % {"n": MAX_FILES_PER_REQUIREMENT}, {"field": "file"})


def _scan_allowed(case: Case, requirement: MaterialRequirement) -> bool:
    """A licence the applicant does not hold (as an electronic licence) is uploaded as a scan."""
    return (requirement.source == MaterialSource.LICENSE
            and not material_sources.held_for(case, requirement))


@transaction.atomic
def do_use_held_material(actor: Any, case: Case, requirement: MaterialRequirement,
                         reference: str) -> CaseMaterial:
    """The applicant lets the case use a licence they hold (减材料) instead of an upload: the
    provider records the use on its side, the case records the reference."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_editable(actor, case)
    if requirement.version_id != case.version_id:
        raise ActionError("requirement_unknown", _("This material is not asked for here."),
                          {"field": "requirement"})
    provider = material_sources.provider_for(requirement.source)
    if provider is None:
        raise ActionError("no_provider", _("This material cannot be taken from your records."),
                          {"field": "requirement"})
    existing = case.materials.filter(requirement=requirement, reference=reference).first()
    if existing is not None:
        return existing  # consented already: nothing more to write
    held = provider.consent(actor, case, requirement, reference)
    material = CaseMaterial.objects.create(
        case=case, requirement=requirement, source=requirement.source,
        reference=held.reference, filename=held.label[:200])
    audit.record("cases.material.use_held", actor, case, {
        "material": str(material.uid), "requirement": str(requirement.uid),
        "source": requirement.source, "reference": held.reference})
    return material


@transaction.atomic
def do_attach_material(actor: Any, case: Case, requirement: MaterialRequirement,
                       uploaded_file: Any) -> CaseMaterial:
    """Store an uploaded file for one material of an editable case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_editable(actor, case)
    _check_requirement(case, requirement)
    extension, content_type = _check_file(uploaded_file)
    material_uid = uuid.uuid4()
    backend = storage.backend()
    key = backend.save(storage.new_key(str(case.uid), str(material_uid), extension),
                       File(uploaded_file))
    try:
        with transaction.atomic():
            material = CaseMaterial.objects.create(
                uid=material_uid, case=case, requirement=requirement, file=key,
                filename=files.display_name(uploaded_file.name or ""), content_type=content_type,
                size=uploaded_file.size, sha256=files.digest(uploaded_file),
                source=MaterialSource.UPLOAD,
            )
            audit.record("cases.material.attach", actor, case, {
                "material": str(material.uid), "requirement": str(requirement.uid),
                "size": material.size, "sha256": material.sha256})
    except BaseException:
        backend.delete(key)  # no orphan: the rows were not written, so neither stays the file
        raise
    return material


@transaction.atomic
def do_remove_material(actor: Any, case: Case, material: CaseMaterial) -> None:
    """Take an uploaded file off an editable case; the file goes once the removal commits."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_editable(actor, case)
    if material.case_id != case.pk:
        raise ActionError("material_unknown", _("This file does not belong to the application."))
    key = material.file.name or ""
    details = {"material": str(material.uid), "requirement": str(material.requirement.uid),
               "sha256": material.sha256}
    material.delete()
    audit.record("cases.material.remove", actor, case, details)
    if key:
        transaction.on_commit(lambda: storage.backend().delete(key))


@transaction.atomic
def do_open_material(actor: Any, material: CaseMaterial) -> IO[bytes]:
    """Open a material for someone who may view its case; a read by anyone but the applicant
    is audited (another person's data)."""
    case = material.case
    if not permissions.can_view_case(actor, case):
        raise NotPermitted(_("You may not see this file."))
    if not material.file.name:
        raise ActionError("no_file", _("This material has no file."), status=404)
    if not permissions.is_applicant(actor, case):
        audit.record("cases.material.read", actor, case, {"material": str(material.uid)})
    try:
        return storage.backend().open(material.file.name)
    except FileNotFoundError:
        raise ActionError("no_file", _("This material has no file."), status=404) from None
