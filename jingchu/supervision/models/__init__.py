from jingchu.supervision.models.catalog import (
    ConflictDeclaration,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)
from jingchu.supervision.models.credit import CreditBand, CreditGrade, CreditRecord, CreditRule
from jingchu.supervision.models.plans import (
    Draw,
    Inspection,
    InspectionEvidence,
    InspectionInspector,
    InspectionPlan,
    PlanNumberCounter,
)

__all__ = [
    "ConflictDeclaration", "CreditBand", "CreditGrade", "CreditRecord", "CreditRule", "Draw",
    "Inspection", "InspectionEvidence", "InspectionInspector", "InspectionPlan", "Inspector",
    "PlanNumberCounter", "RegulatoryItem", "SamplingRule", "SupervisedEntity",
]
