"""Illustrative lessons learned and assessments (bilans) for the demo.

Everything here is invented from the programme's themes (obstacles and levers, action plans,
assessment) to show what the pages look like; every lesson and assessment is flagged
illustrative, so the site labels it "donnée illustrative". Runs after the blog's posts, which
some lessons cite (found by slug as plain pages: the blog sits above the knowledge base).
"""

import datetime

from django.contrib.auth.models import Group
from wagtail.models import Page, PageViewRestriction

from core.demo import get_or_create_child
from core.roles import COORDINATORS_GROUP, MEMBERS_GROUP

from .lesson_vocabularies import BuyingStep, LegalLever, LessonKind, SustainabilityDimension
from .models import (
    Action,
    DiagnosticItem,
    LessonIndexPage,
    LessonPage,
    LessonSource,
    StructurePage,
)
from .vocabularies import SectionVisibility, Sector, StructureType, Theme

EXAMPLE = "\n\n*Enseignement donné en exemple pour la démonstration du site.*"


# Lessons are dated on the demo's timeline, nine days apart, the last one on 25 June 2010.
PUBLISHED_FROM = datetime.datetime(2010, 2, 10, 10, 0, tzinfo=datetime.UTC)


def lesson(slug, title, kind, summary, body, **facets):
    return {"slug": slug, "title": title, "kind": kind, "summary": summary, "body": body, **facets}


# Facets by slug; evidence: "items" are (structure, theme of its diagnostic items), "actions"
# are (structure, sector of its actions), "assessments" structures, "posts" post slugs.
LESSONS = [
    lesson(
        "associer-les-elus-des-le-diagnostic",
        "Associer les élus dès le diagnostic",
        "levier",
        "Un élu référent présent aux entretiens donne du poids à la démarche et accélère les "
        "arbitrages du plan d'actions.",
        "Là où l'élu référent a participé aux entretiens, le plan d'actions a été validé en une "
        "seule réunion.\n\n- prévoir sa présence dès la réunion de lancement ;\n"
        "- lui confier la présentation du bilan.",
        themes=["gouvernance"],
        dimensions=["environnemental", "social", "economique"],
        levers=["autre"],
        steps=["definition-du-besoin"],
        structures=["le-haillan", "grand-dax"],
        items=[("le-haillan", "gouvernance"), ("grand-dax", "gouvernance")],
        assessments=["le-haillan"],
        posts=["grand-dax-entretiens"],
        featured=True,
    ),
    lesson(
        "cartographier-les-achats-avant-d-agir",
        "Cartographier les achats avant d'agir",
        "bonne-pratique",
        "Une cartographie simple des dépenses par famille d'achat montre où agir en premier.",
        "Un tableau des marchés et de leurs échéances suffit pour commencer : il désigne les "
        "consultations où intégrer des clauses dans l'année.",
        themes=["organisation-achats", "suivi-evaluation"],
        dimensions=["economique"],
        levers=["autre"],
        steps=["definition-du-besoin"],
        types=["commune", "communaute-agglomeration"],
        structures=["pessac"],
        items=[("pessac", "organisation-achats"), ("pessac", "suivi-evaluation")],
        posts=["pessac-analyse-documentaire"],
        featured=True,
    ),
    lesson(
        "achats-disperses-entre-services",
        "Des achats dispersés entre services freinent la démarche",
        "frein",
        "Quand chaque service achète seul, personne ne voit l'ensemble des besoins ni les "
        "marchés à renouveler.",
        "Le diagnostic l'a relevé dans les structures à l'organisation décentralisée : un "
        "correspondant achats par service et une réunion trimestrielle ont suffi à lever une "
        "partie du frein.",
        themes=["organisation-achats"],
        dimensions=["economique"],
        levers=["autre"],
        steps=["definition-du-besoin"],
        types=["communaute-de-communes", "pays"],
        structures=["cc-estuaire", "pays-coeur-entre-deux-mers"],
        items=[
            ("cc-estuaire", "organisation-achats"),
            ("cc-montfort-en-chalosse", "organisation-achats"),
        ],
    ),
    lesson(
        "produits-bio-et-de-saison-en-restauration",
        "Introduire le bio et le local en restauration collective par étapes",
        "bonne-pratique",
        "Commencer par quelques familles de produits (fruits, laitages) et des allotissements "
        "adaptés aux producteurs locaux.",
        "L'allotissement fin et un calendrier de saisonnalité dans le cahier des charges ont "
        "permis de recevoir des offres de producteurs locaux.",
        themes=["clauses-environnementales", "sourcing"],
        sectors=["restauration-collective"],
        dimensions=["environnemental", "economique"],
        levers=["specification-technique", "sourcing"],
        steps=["sourcing", "redaction-du-dce"],
        types=["commune"],
        structures=["cobas", "pessac", "le-haillan"],
        actions=[("pessac", "restauration-collective"), ("le-haillan", "restauration-collective")],
        posts=["cobas-restauration-collective"],
        featured=True,
    ),
    lesson(
        "rencontrer-les-fournisseurs-en-amont",
        "Rencontrer les fournisseurs en amont de la consultation",
        "levier",
        "Le sourcing, dans le respect de l'égalité de traitement, fait connaître l'offre durable "
        "et rend les clauses réalistes.",
        "Une journée de rencontre ouverte à toutes les entreprises, annoncée publiquement, avec "
        "un compte rendu publié : l'offre locale s'est révélée plus large que prévu.",
        themes=["sourcing"],
        dimensions=["environnemental", "innovation"],
        levers=["sourcing"],
        steps=["sourcing"],
        structures=["gujan-mestras", "cobas"],
        items=[("gujan-mestras", "sourcing"), ("cobas", "sourcing")],
    ),
    lesson(
        "clauses-sociales-dans-les-travaux",
        "Des heures d'insertion dans les marchés de travaux",
        "levier",
        "Une clause d'insertion en condition d'exécution, accompagnée par un facilitateur, est "
        "bien acceptée par les entreprises du bâtiment.",
        "Le facilitateur du territoire aide les entreprises à trouver les candidats et suit les "
        "heures réalisées : l'indicateur du plan d'actions vient de ses relevés.",
        themes=["clauses-sociales"],
        sectors=["batiment-et-travaux"],
        dimensions=["social"],
        levers=["condition-execution"],
        steps=["redaction-du-dce", "suivi-execution"],
        structures=["mont-de-marsan", "cc-pays-de-coutras"],
        actions=[
            ("mont-de-marsan", "batiment-et-travaux"),
            ("cc-pays-de-coutras", "batiment-et-travaux"),
        ],
        items=[("cc-pays-de-coutras", "clauses-sociales")],
    ),
    lesson(
        "marche-reserve-entretien-espaces-verts",
        "Réserver un lot d'entretien des espaces verts",
        "bonne-pratique",
        "Un lot réservé aux structures d'insertion ou aux entreprises adaptées, pour une "
        "prestation qu'elles savent bien faire.",
        "Le lot réservé a été attribué à un ESAT du territoire ; la qualité de la prestation a "
        "été suivie par une réunion mensuelle la première année.",
        themes=["clauses-sociales"],
        sectors=["espaces-verts"],
        dimensions=["social"],
        levers=["marche-reserve"],
        steps=["redaction-du-dce"],
        types=["commune", "communaute-de-communes"],
        structures=["gujan-mestras", "cc-estuaire"],
        actions=[("gujan-mestras", "espaces-verts"), ("cc-estuaire", "espaces-verts")],
    ),
    lesson(
        "cout-global-vehicules",
        "Comparer les véhicules en coût global",
        "levier",
        "Le coût d'usage (carburant, entretien, revente) fait pencher l'analyse vers les "
        "véhicules à faibles émissions.",
        "Le critère d'attribution intègre le coût du carburant sur la durée de détention : les "
        "services techniques, d'abord sceptiques, ont validé la méthode.",
        themes=["cout-global", "clauses-environnementales"],
        sectors=["vehicules"],
        dimensions=["environnemental", "economique"],
        levers=["critere-attribution"],
        steps=["analyse-des-offres"],
        structures=["sdis-24", "cobas", "grand-dax"],
        actions=[("sdis-24", "vehicules"), ("cobas", "vehicules"), ("grand-dax", "vehicules")],
        items=[("sdis-24", "cout-global")],
        posts=["sdis-24-diagnostic"],
        assessments=["grand-dax"],
    ),
    lesson(
        "crainte-du-surcout",
        "La crainte du surcoût",
        "frein",
        "Élus et services redoutent que l'achat responsable coûte plus cher ; les premiers "
        "résultats chiffrés lèvent ce frein.",
        "Présenter dès le bilan les économies d'usage (énergie, consommables) et les prix "
        "obtenus : le débat change de nature.",
        themes=["cout-global", "gouvernance"],
        dimensions=["economique"],
        levers=["autre"],
        steps=["definition-du-besoin"],
        structures=["mont-de-marsan", "pays-coeur-entre-deux-mers"],
        items=[("mont-de-marsan", "cout-global"), ("pays-coeur-entre-deux-mers", "cout-global")],
    ),
    lesson(
        "papier-recycle-sans-surcout",
        "Passer au papier recyclé sans surcoût",
        "bonne-pratique",
        "Une spécification technique simple (papier recyclé écolabellisé) et un regroupement des "
        "commandes.",
        "Regrouper les commandes des services a compensé l'écart de prix ; la part de papier "
        "recyclé est suivie chaque trimestre.",
        themes=["clauses-environnementales"],
        sectors=["fournitures-de-bureau"],
        dimensions=["environnemental"],
        levers=["specification-technique"],
        steps=["redaction-du-dce", "suivi-execution"],
        types=["commune"],
        structures=["le-haillan", "pessac"],
        actions=[("le-haillan", "fournitures-de-bureau"), ("pessac", "fournitures-de-bureau")],
        assessments=["le-haillan"],
    ),
    lesson(
        "suivre-les-clauses-en-execution",
        "Suivre les clauses pendant l'exécution",
        "point-de-vigilance",
        "Une clause que personne ne contrôle n'a pas d'effet : prévoir qui suit quoi avant de "
        "notifier le marché.",
        "Le bilan a montré des clauses environnementales sans aucun justificatif demandé. Une "
        "fiche de suivi par marché, avec ses pièces, corrige cela.",
        themes=["suivi-evaluation"],
        dimensions=["environnemental", "social"],
        levers=["condition-execution"],
        steps=["suivi-execution"],
        structures=["grand-dax", "pessac"],
        items=[("grand-dax", "suivi-evaluation"), ("pessac", "suivi-evaluation")],
        assessments=["grand-dax", "pessac"],
        posts=["bilan-et-actualisation"],
        featured=True,
    ),
    lesson(
        "former-les-acheteurs",
        "Former les agents avant d'écrire les clauses",
        "levier",
        "La formation ADEME des agents rend les services autonomes pour rédiger leurs critères.",
        "Les agents formés ont proposé eux-mêmes des critères pour leurs prochaines "
        "consultations ; un binôme avec le service achats a suffi ensuite.",
        themes=["competences"],
        dimensions=["environnemental", "social", "economique"],
        levers=["autre"],
        steps=["redaction-du-dce"],
        structures=["cc-montfort-en-chalosse", "sdis-24"],
        items=[("cc-montfort-en-chalosse", "competences"), ("sdis-24", "competences")],
        posts=["le-haillan-seminaire-participatif"],
    ),
    lesson(
        "electricite-renouvelable",
        "Acheter une électricité d'origine renouvelable",
        "bonne-pratique",
        "Une spécification sur l'origine, avec garanties d'origine, dans un groupement de "
        "commandes.",
        "Le groupement a permis d'obtenir des offres compétitives ; la part renouvelable est "
        "l'indicateur suivi.",
        themes=["clauses-environnementales", "organisation-achats"],
        sectors=["energie"],
        dimensions=["environnemental", "innovation"],
        levers=["specification-technique"],
        steps=["redaction-du-dce"],
        types=["communaute-de-communes", "communaute-agglomeration", "pays"],
        structures=["cc-pays-de-coutras", "pays-coeur-entre-deux-mers", "cobas"],
        actions=[("cobas", "energie"), ("pays-coeur-entre-deux-mers", "energie")],
        assessments=["cobas"],
    ),
    lesson(
        "textile-equitable-tenues",
        "Tenues de travail : le commerce équitable demande du temps",
        "point-de-vigilance",
        "L'offre de tenues issues du commerce équitable existe mais les délais de fabrication "
        "sont plus longs.",
        "Anticiper le renouvellement d'au moins six mois et prévoir des tailles en stock. "
        "Enseignement partagé entre membres du réseau.",
        themes=["sourcing", "clauses-sociales"],
        sectors=["textile"],
        dimensions=["social"],
        levers=["specification-technique", "sourcing"],
        steps=["sourcing", "suivi-execution"],
        types=["etablissement-public", "commune"],
        structures=["sdis-24", "pessac"],
        actions=[("sdis-24", "textile"), ("pessac", "textile")],
        members_only=True,
    ),
    lesson(
        "indicateurs-des-le-plan-d-actions",
        "Fixer les indicateurs dès le plan d'actions",
        "bonne-pratique",
        "Une valeur de départ et une cible par action rendent le bilan possible et parlant.",
        "Sans valeur de départ, le bilan ne peut rien mesurer : la fiche de suivi doit la "
        "donner pour chaque action, même approximative. Enseignement réservé aux membres.",
        themes=["suivi-evaluation"],
        dimensions=["environnemental", "social", "economique", "innovation"],
        levers=["autre"],
        steps=["suivi-execution"],
        structures=["le-haillan", "grand-dax", "cobas"],
        assessments=["le-haillan", "cobas"],
        posts=["echanges-entre-referents-membres"],
        members_only=True,
    ),
]

# Assessments of four structures (slug: visibility, texts); one kept for members.
ASSESSMENTS = {
    "le-haillan": SectionVisibility.PUBLIC,
    "pessac": SectionVisibility.PUBLIC,
    "cobas": SectionVisibility.PUBLIC,
    "grand-dax": SectionVisibility.MEMBERS,
}
ASSESSMENT_TEXTS = {
    "assessment_achieved": "**Exemple.** La plupart des actions prévues ont démarré ; les "
    "premières consultations intègrent des critères environnementaux et sociaux.",
    "assessment_shortfalls": "Les actions qui supposaient une offre locale encore mal connue ont "
    "pris du retard : le sourcing aurait dû commencer plus tôt.\n\n- délais de consultation trop "
    "courts ;\n- indicateurs sans valeur de départ.",
    "assessment_next_steps": "Actualiser le plan d'actions pour l'année suivante, étendre les "
    "clauses aux marchés de travaux et présenter les résultats au conseil.",
    "assessment_network_lessons": "Associer les élus dès le diagnostic et fixer des indicateurs "
    "chiffrés : ce sont les deux conditions que la structure recommande au réseau.",
}
OUTCOMES = {
    "realisee": "Objectif atteint : l'action est intégrée aux marchés renouvelés.",
    "en-cours": "Engagée ; les premières mesures montrent une progression.",
    "prevue": "Pas encore démarrée : reportée à l'actualisation du plan.",
    "abandonnee": "Abandonnée : l'offre du territoire ne permettait pas de la mener.",
}


def build_lessons(stdout):
    """About 15 illustrative lessons under ``/enseignements/`` and four assessments."""
    index = LessonIndexPage.objects.first()
    if index is None:
        return
    filled = sum(fill_assessment(slug, visibility) for slug, visibility in ASSESSMENTS.items())
    vocabularies = {
        name: {term.slug: term for term in model.objects.all()}
        for name, model in [
            ("kind", LessonKind),
            ("themes", Theme),
            ("sectors", Sector),
            ("dimensions", SustainabilityDimension),
            ("levers", LegalLever),
            ("steps", BuyingStep),
            ("types", StructureType),
        ]
    }
    structures = {structure.slug: structure for structure in StructurePage.objects.all()}
    created = 0
    for spec in LESSONS:
        page, was_created = get_or_create_child(
            index,
            LessonPage,
            spec["slug"],
            **lesson_fields(spec, vocabularies, structures),
        )
        if was_created:
            created += 1
            if spec.get("members_only"):
                restrict_to_network(page)
            # On the demo's timeline (seen from 30 June 2010), not on the day it was loaded.
            published = PUBLISHED_FROM + datetime.timedelta(days=9 * created)
            LessonPage.objects.filter(pk=page.pk).update(
                first_published_at=published, last_published_at=published
            )
    stdout.write(
        f"Lessons learned ready: /enseignements/ ({created} created, {len(LESSONS)} in all; "
        f"{filled} illustrative assessments added)."
    )


def pick(vocabulary, slugs):
    return [vocabulary[slug] for slug in slugs if slug in vocabulary]


def lesson_fields(spec, vocabularies, structures):
    """The page's fields, facets and evidence (found by structure and theme or sector)."""
    items = []
    for structure, theme in spec.get("items", []):
        items += DiagnosticItem.objects.filter(page__slug=structure, themes__slug=theme)
    actions = []
    for structure, sector in spec.get("actions", []):
        actions += Action.objects.filter(page__slug=structure, sector__slug=sector)
    posts = Page.objects.filter(
        slug__in=spec.get("posts", []),
        content_type__app_label="blog",
        content_type__model="blogpostpage",
    ).order_by("slug")
    return {
        "title": spec["title"],
        "summary": spec["summary"],
        "body": spec["body"] + EXAMPLE,
        "kind": vocabularies["kind"][spec["kind"]],
        "themes": pick(vocabularies["themes"], spec.get("themes", [])),
        "sectors": pick(vocabularies["sectors"], spec.get("sectors", [])),
        "dimensions": pick(vocabularies["dimensions"], spec.get("dimensions", [])),
        "legal_levers": pick(vocabularies["levers"], spec.get("levers", [])),
        "buying_steps": pick(vocabularies["steps"], spec.get("steps", [])),
        "structure_types": pick(vocabularies["types"], spec.get("types", [])),
        "structures": pick(structures, spec.get("structures", [])),
        "assessments": pick(structures, spec.get("assessments", [])),
        "diagnostic_items": list(dict.fromkeys(items)),
        "actions": list(dict.fromkeys(actions)),
        "sources": [LessonSource(page=post, sort_order=i) for i, post in enumerate(posts)],
        "featured": spec.get("featured", False),
        "is_illustrative": True,
    }


def fill_assessment(slug, visibility):
    """Give a structure an illustrative assessment, unless it has one (edits survive)."""
    structure = StructurePage.objects.filter(slug=slug).first()
    if structure is None or structure.assessment_achieved:
        return False
    structure = structure.get_latest_revision_as_object()
    for name, text in ASSESSMENT_TEXTS.items():
        setattr(structure, name, text)
    structure.assessment_visibility = visibility
    structure.assessment_is_illustrative = True
    actions = list(structure.actions.all())
    for action in actions:
        action.outcome = action.outcome or OUTCOMES.get(action.status, "")
    structure.actions = actions
    structure.save_revision().publish()
    return True


def restrict_to_network(page):
    """Members and coordinators only, as the blog's members-only posts are."""
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(
        [Group.objects.get_or_create(name=name)[0] for name in (MEMBERS_GROUP, COORDINATORS_GROUP)]
    )
