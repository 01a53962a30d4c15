from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    PERSON = "person", _("Citizen")
    STAFF = "staff", _("Staff")


class StaffRole(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    DATA_STEWARD = "data_steward", _("Data steward")
    INSPECTOR = "inspector", _("Inspector")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class AssuranceLevel(models.IntegerChoices):
    """认证等级: how strongly the person behind a session was verified."""

    PASSWORD = 1, _("Password")
    TWO_FACTOR = 2, _("Password and second factor")
    IN_PERSON = 3, _("Verified in person")


class ActingBasis(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    AUTHORIZED = "authorized", _("Authorized agent")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class LegalEntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organization")
    INSTITUTION = "institution", _("Public institution")
    OTHER = "other", _("Other")
