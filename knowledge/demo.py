"""Demo content of the knowledge base: the 11 selected structures, resources and lessons."""

from core.demo import get_or_create_child

from .demo_experience import STRUCTURE_BODY, fill_experience
from .demo_handouts import build_handouts, fill_handouts
from .demo_questionnaire import build_questionnaire, fill_questionnaire
from .demo_resources import build_resources
from .models import LessonIndexPage, ResourceIndexPage, StructureIndexPage, StructurePage
from .vocabularies import Departement, StructureType

# Names, types and départements come from the programme document; nothing else is asserted.
STRUCTURES = [
    ("gujan-mestras", "Gujan-Mestras", "commune", "33"),
    ("le-haillan", "Le Haillan", "commune", "33"),
    ("mont-de-marsan", "Mont-de-Marsan", "commune", "40"),
    ("pessac", "Pessac", "commune", "33"),
    (
        "cc-estuaire",
        "Communauté de communes de l'Estuaire",
        "communaute-de-communes",
        "33",
    ),
    (
        "cc-montfort-en-chalosse",
        "Communauté de communes de Montfort-en-Chalosse",
        "communaute-de-communes",
        "40",
    ),
    (
        "cc-pays-de-coutras",
        "Communauté de communes du Pays de Coutras",
        "communaute-de-communes",
        "33",
    ),
    (
        "cobas",
        "COBAS (Communauté d'agglomération du Bassin d'Arcachon Sud)",
        "communaute-agglomeration",
        "33",
    ),
    ("grand-dax", "Grand Dax", "communaute-agglomeration", "40"),
    (
        "pays-coeur-entre-deux-mers",
        "Pays Cœur Entre-deux-Mers",
        "pays",
        "33",
    ),
    (
        "sdis-24",
        "SDIS 24 (Service départemental d'incendie et de secours de la Dordogne)",
        "etablissement-public",
        "24",
    ),
]


def build_knowledge(home, stdout):
    """The structures directory with its 11 pages, the resources library and the lessons."""
    directory, _ = get_or_create_child(
        home,
        StructureIndexPage,
        "structures",
        title="Structures",
        show_in_menus=True,
        introduction="<p>Les onze structures retenues à l'issue de l'appel à candidatures, "
        "choisies pour leur diversité&nbsp;: type et taille de structure, contexte urbain ou rural, "
        "territoire, engagement en faveur du développement durable, organisation de la fonction "
        "achat et enjeux d'achat.</p>",
    )
    build_handouts(stdout)
    build_questionnaire(stdout)
    created = filled = 0
    for slug, name, structure_type, departement in STRUCTURES:
        structure, was_created = get_or_create_child(
            directory,
            StructurePage,
            slug,
            title=name,
            structure_type=StructureType.objects.get(slug=structure_type),
            departement=Departement.objects.get(code=departement),
            body=STRUCTURE_BODY.format(name=name),
        )
        created += was_created
        filled += fill_experience(structure)
        fill_handouts(structure)
        fill_questionnaire(structure)
    stdout.write(
        f"Structures ready: /structures/ ({created} created, {filled} given illustrative "
        f"journeys and action plans, {len(STRUCTURES)} in all)."
    )

    get_or_create_child(
        home,
        ResourceIndexPage,
        "ressources",
        title="Ressources",
        show_in_menus=True,
        introduction="<p>Les documents du programme&nbsp;: questionnaire sur la démarche "
        "éco-responsable, liste indicative des documents clés et des entretiens, supports de "
        "formation.</p>",
    )
    get_or_create_child(
        home,
        LessonIndexPage,
        "enseignements",
        title="Enseignements",
        show_in_menus=True,
        introduction="<p>Les enseignements mutualisables tirés de l'expérience des structures "
        "accompagnées, pour que les autres membres du réseau puissent s'en servir.</p>",
    )
    stdout.write("Resources and lessons ready: /ressources/, /enseignements/.")
    build_resources(home, stdout)
