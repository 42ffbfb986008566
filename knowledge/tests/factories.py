import factory
import wagtail_factories

from knowledge.models import StructureIndexPage, StructurePage
from knowledge.vocabularies import Departement, StructureType


class StructureIndexPageFactory(wagtail_factories.PageFactory):
    title = "Structures"
    slug = "structures"
    show_in_menus = True

    class Meta:
        model = StructureIndexPage


class StructurePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Commune {n:03d}")
    structure_type = StructureType.COMMUNE
    departement = Departement.GIRONDE

    class Meta:
        model = StructurePage
