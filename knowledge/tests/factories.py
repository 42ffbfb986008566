import factory
import wagtail_factories
from django.utils.text import slugify

from knowledge.lesson_vocabularies import LessonKind
from knowledge.models import (
    Action,
    CommitmentRecord,
    Departement,
    DiagnosticItem,
    JourneyStage,
    LessonPage,
    PurchasingOrganisation,
    ResourcePage,
    Sector,
    StructureIndexPage,
    StructurePage,
    StructureType,
    SustainabilityCommitment,
    TerritoryContext,
    Theme,
)
from knowledge.vocabularies import ActionStatus, DiagnosticKind, JourneyStep, ProgrammeCommitment
from members.models import Membership, User
from members.tests.factories import UserFactory


class TermFactory(factory.django.DjangoModelFactory):
    """Vocabulary entries are fetched by slug when they exist (the migration seeds them)."""

    name = factory.Sequence(lambda n: f"Terme {n:03d}")
    slug = factory.LazyAttribute(lambda term: slugify(term.name))

    class Meta:
        abstract = True
        django_get_or_create = ["slug"]


class StructureTypeFactory(TermFactory):
    slug = "commune"
    name = "Commune"

    class Meta:
        model = StructureType


class DepartementFactory(TermFactory):
    code = "33"
    slug = "gironde"
    name = "Gironde"

    class Meta:
        model = Departement
        django_get_or_create = ["code"]


class TerritoryContextFactory(TermFactory):
    class Meta:
        model = TerritoryContext


class SustainabilityCommitmentFactory(TermFactory):
    class Meta:
        model = SustainabilityCommitment


class PurchasingOrganisationFactory(TermFactory):
    class Meta:
        model = PurchasingOrganisation


class SectorFactory(TermFactory):
    class Meta:
        model = Sector


class ThemeFactory(TermFactory):
    class Meta:
        model = Theme


class StructureIndexPageFactory(wagtail_factories.PageFactory):
    title = "Structures"
    slug = "structures"
    show_in_menus = True

    class Meta:
        model = StructureIndexPage


class StructurePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Commune {n:03d}")
    structure_type = factory.SubFactory(StructureTypeFactory)
    departement = factory.SubFactory(DepartementFactory)

    class Meta:
        model = StructurePage


class JourneyStageFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(StructurePageFactory)
    step = JourneyStep.KICK_OFF

    class Meta:
        model = JourneyStage


class CommitmentRecordFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(StructurePageFactory)
    commitment = ProgrammeCommitment.DELIBERATION

    class Meta:
        model = CommitmentRecord


class DiagnosticItemFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(StructurePageFactory)
    kind = DiagnosticKind.OBSTACLE
    text = factory.Sequence(lambda n: f"Constat numéro {n}")

    class Meta:
        model = DiagnosticItem


class ActionFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(StructurePageFactory)
    title = factory.Sequence(lambda n: f"Action {n:03d}")
    status = ActionStatus.PLANNED
    progress = 0

    class Meta:
        model = Action


def team_member(structure):
    """An approved member on ``structure``'s team (who may therefore edit its page)."""
    user = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=user, structure=structure, role=Membership.Role.TEAM)
    return user


class LessonPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Enseignement {n:03d}")
    summary = "Ce que le réseau peut réutiliser."
    body = "Un paragraphe en **Markdown**."
    kind = factory.LazyFunction(lambda: LessonKind.objects.get(slug="levier"))

    class Meta:
        model = LessonPage


class ResourcePageFactory(wagtail_factories.PageFactory):
    """A public resource without files (``audience`` sets its privacy when saved)."""

    title = factory.Sequence(lambda n: f"Ressource {n:03d}")
    summary = "Résumé de la ressource."
    body = "Un paragraphe en **Markdown**."

    class Meta:
        model = ResourcePage
