"""The programme's knowledge: the selected structures, resources and lessons learned."""

from knowledge.lesson_vocabularies import (
    BuyingStep,
    LegalLever,
    LessonKind,
    SustainabilityDimension,
)
from knowledge.vocabularies import (
    Departement,
    PurchasingOrganisation,
    Sector,
    StructureType,
    SustainabilityCommitment,
    TerritoryContext,
    Theme,
)

from .lessons import LessonPage, LessonSource
from .pages import LessonIndexPage, ResourceIndexPage, StructureIndexPage
from .sections import Action, CommitmentRecord, DiagnosticItem, JourneyStage
from .structures import StructurePage

__all__ = [
    "Action",
    "BuyingStep",
    "LegalLever",
    "LessonKind",
    "LessonPage",
    "LessonSource",
    "SustainabilityDimension",
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
