"""The programme's knowledge: the selected structures, resources and lessons learned."""

from knowledge.vocabularies import (
    Departement,
    PurchasingOrganisation,
    Sector,
    StructureType,
    SustainabilityCommitment,
    TerritoryContext,
    Theme,
)

from .pages import LessonIndexPage, ResourceIndexPage, StructureIndexPage
from .structures import (
    Action,
    CommitmentRecord,
    DiagnosticItem,
    JourneyStage,
    StructurePage,
)

__all__ = [
    "Action",
    "CommitmentRecord",
    "Departement",
    "DiagnosticItem",
    "JourneyStage",
    "LessonIndexPage",
    "PurchasingOrganisation",
    "ResourceIndexPage",
    "Sector",
    "StructureIndexPage",
    "StructurePage",
    "StructureType",
    "SustainabilityCommitment",
    "TerritoryContext",
    "Theme",
]
