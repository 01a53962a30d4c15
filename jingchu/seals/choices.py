"""Enumerations of 电子印章: seal kinds, seal states, kinds of use, and verification outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SealKind(models.TextChoices):
    """印章种类. The two-digit code of each kind is part of the seal code (esID)."""

    OFFICIAL = "official", _("Official seal")
    LICENSE = "license", _("Licence-issuing seal")
    CONTRACT = "contract", _("Contract seal")
    FINANCE = "finance", _("Finance seal")
    BUSINESS = "business", _("Business seal")


KIND_CODES: dict[str, str] = {
    SealKind.OFFICIAL: "01",
    SealKind.LICENSE: "02",
    SealKind.CONTRACT: "03",
    SealKind.FINANCE: "04",
    SealKind.BUSINESS: "05",
}

# The text under the star. It is part of the seal itself, so it is Chinese whatever the page's
# language (not translated); an official seal (公章) carries the organization's name only.
# A new seal's default name is the organization's name followed by its caption.
KIND_CAPTIONS: dict[str, str] = {
    SealKind.OFFICIAL: "",
    SealKind.LICENSE: "证照专用章",
    SealKind.CONTRACT: "合同专用章",
    SealKind.FINANCE: "财务专用章",
    SealKind.BUSINESS: "业务专用章",
}

class SealStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class UseKind(models.TextChoices):
    """A sealed document (SES_Signature) or a plain SM2 signature made for another app."""

    DOCUMENT = "document", _("Sealed document")
    RAW = "raw", _("Plain signature")


class VerifyCode(models.TextChoices):
    """The outcome of verifying a signature; each refusal has its own code (the API's `code`)."""

    VALID = "valid", _("The signature is valid.")
    MALFORMED = "malformed", _("The signature file is not a seal signature (SES_Signature).")
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm", _(
        "The signature uses an algorithm other than SM2 with SM3.")
    HASH_MISMATCH = "hash_mismatch", _(
        "The document does not match the signature: it was changed after sealing.")
    SIGNATURE_INVALID = "signature_invalid", _(
        "The SM2 signature does not verify with the signer's certificate.")
    CERTIFICATE_UNTRUSTED = "certificate_untrusted", _(
        "The signer's certificate was not issued by the platform's root certificate.")
    SEAL_UNTRUSTED = "seal_untrusted", _(
        "The seal data was not signed by the platform's root certificate.")
    SEAL_MISMATCH = "seal_mismatch", _(
        "The signer's certificate does not belong to the seal named in the signature.")
    SEAL_UNKNOWN = "seal_unknown", _("The seal is not registered on this platform.")
    WRONG_SEAL = "wrong_seal", _("The document was sealed with a different seal than expected.")
    SEAL_REVOKED = "seal_revoked", _("The seal has been revoked.")
    SEAL_SUSPENDED = "seal_suspended", _("The seal is suspended.")
    SEAL_EXPIRED = "seal_expired", _(
        "The signature was made after the seal's validity period ended.")
    SEAL_NOT_YET_VALID = "seal_not_yet_valid", _(
        "The signature was made before the seal's validity period began.")
