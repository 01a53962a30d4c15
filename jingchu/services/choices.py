from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    """事项类型: the national catalog's item type codes."""

    LICENSING = "01", _("Administrative licensing")
    PENALTY = "02", _("Administrative penalty")
    COERCION = "03", _("Administrative coercion")
    LEVY = "04", _("Administrative levy")
    BENEFIT = "05", _("Administrative payment")
    INSPECTION = "06", _("Administrative inspection")
    CONFIRMATION = "07", _("Administrative confirmation")
    REWARD = "08", _("Administrative reward")
    ADJUDICATION = "09", _("Administrative adjudication")
    OTHER_POWER = "10", _("Other administrative power")
    PUBLIC_SERVICE = "20", _("Public service")


class CaseKind(models.TextChoices):
    """办件类型."""

    ON_THE_SPOT = "on_the_spot", _("On the spot")
    PROMISED = "promised", _("Within promised days")


class ServiceArea(models.TextChoices):
    """通办范围: where an application may be accepted."""

    PROVINCE = "province", _("Province-wide")
    CITY = "city", _("City-wide")
    COUNTY = "county", _("County-wide")
    FIXED = "fixed", _("Only at the implementing organization")


class OnlineDepth(models.IntegerChoices):
    """网办深度: how much of the item can be done online."""

    INFORMATION = 1, _("Information online")
    DOWNLOAD = 2, _("Forms downloadable")
    PARTLY = 3, _("Partly online")
    FULLY = 4, _("Fully online")


class ResultType(models.TextChoices):
    LICENSE = "license", _("Licence")
    CERTIFICATE = "certificate", _("Certificate")
    APPROVAL = "approval", _("Approval letter")
    OTHER = "other", _("Other result")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")
    BOTH = "both", _("Natural person or legal entity")


class MaterialSource(models.TextChoices):
    """Where a material comes from: an upload only when no licence or shared data can serve."""

    UPLOAD = "upload", _("Upload by the applicant")
    LICENSE = "license", _("A licence the applicant holds")
    DATA_RESOURCE = "data_resource", _("Shared data resource")


class MaterialNecessity(models.TextChoices):
    REQUIRED = "required", _("Required")
    CONDITIONAL = "conditional", _("Required under a condition")
    OPTIONAL = "optional", _("Optional")


class Topic(models.TextChoices):
    """Life events and business events the catalog is browsed by."""

    BIRTH = "birth", _("Birth")
    SCHOOL = "school", _("Going to school")
    EMPLOYMENT = "employment", _("Employment")
    MARRIAGE = "marriage", _("Marriage and childbirth")
    HOUSING = "housing", _("Housing")
    SOCIAL_SECURITY = "social_security", _("Social security")
    MEDICAL = "medical", _("Medical care")
    RESIDENCE = "residence", _("Household and residence")
    RETIREMENT = "retirement", _("Retirement")
    STARTING_BUSINESS = "starting_business", _("Starting a business")
    OPERATING = "operating", _("Business operation")
    CONSTRUCTION = "construction", _("Construction projects")
    REAL_ESTATE = "real_estate", _("Real estate")
    TRANSPORT = "transport", _("Transport")
    TAX = "tax", _("Tax")
    DEATH = "death", _("Funeral and death")
