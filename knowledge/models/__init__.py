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

from .handouts import HandoutItem, HandoutList, HandoutProgress
from .lessons import LessonPage, LessonSource
from .pages import LessonIndexPage, ResourceIndexPage, StructureIndexPage
from .questionnaire import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireSection,
)
from .resources import ResourceFile, ResourceKind, ResourcePage
from .sections import Action, CommitmentRecord, DiagnosticItem, JourneyStage
from .structures import StructurePage

__all__ = [
    "Action",
    "Answer",
    "Question",
    "QuestionKind",
    "QuestionnaireResponse",
    "QuestionnaireSection",
    "BuyingStep",
    "LegalLever",
    "LessonKind",
    "LessonPage",
    "LessonSource",
    "SustainabilityDimension",
    "CommitmentRecord",
    "Departement",
    "HandoutItem",
    "HandoutList",
    "HandoutProgress",
    "DiagnosticItem",
    "JourneyStage",
    "LessonIndexPage",
    "PurchasingOrganisation",
    "ResourceFile",
    "ResourceIndexPage",
    "ResourceKind",
    "ResourcePage",
    "Sector",
    "StructureIndexPage",
    "StructurePage",
    "StructureType",
    "SustainabilityCommitment",
    "TerritoryContext",
    "Theme",
]
