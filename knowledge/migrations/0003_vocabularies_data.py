"""Seed the shared vocabularies and move Step 1's structure types and départements onto them.

Step 1 stored the type and the département as fixed choices on each structure page; they are
now snippets coordinators edit. The pages (and so their URLs) are kept: only these two columns
change, from a code to a reference to the matching vocabulary entry.
"""

from django.db import migrations

STRUCTURE_TYPES = [
    ("commune", "Commune"),
    ("communaute-de-communes", "Communauté de communes"),
    ("communaute-agglomeration", "Communauté d'agglomération"),
    ("pays", "Pays"),
    ("departement", "Département"),
    ("region", "Région"),
    ("etablissement-public", "Établissement public"),
]
DEPARTEMENTS = [
    ("24", "dordogne", "Dordogne"),
    ("33", "gironde", "Gironde"),
    ("40", "landes", "Landes"),
    ("47", "lot-et-garonne", "Lot-et-Garonne"),
    ("64", "pyrenees-atlantiques", "Pyrénées-Atlantiques"),
]
CONTEXTS = [("urbain", "Urbain"), ("periurbain", "Périurbain"), ("rural", "Rural")]
SUSTAINABILITY_COMMITMENTS = [
    ("agenda-21", "Agenda 21"),
    ("plan-climat", "Plan Climat"),
    ("demarche-interne", "Démarche interne"),
]
PURCHASING_ORGANISATIONS = [
    ("centralisee", "Centralisée"),
    ("decentralisee", "Décentralisée"),
    ("mixte", "Mixte"),
]
SECTORS = [
    ("restauration-collective", "Restauration collective"),
    ("fournitures-de-bureau", "Fournitures de bureau"),
    ("informatique", "Informatique"),
    ("vehicules", "Véhicules"),
    ("batiment-et-travaux", "Bâtiment et travaux"),
    ("entretien-des-locaux", "Entretien des locaux"),
    ("espaces-verts", "Espaces verts"),
    ("energie", "Énergie"),
    ("textile", "Textile"),
]
THEMES = [
    ("gouvernance", "Gouvernance et portage politique"),
    ("organisation-achats", "Organisation de la fonction achat"),
    ("competences", "Compétences et formation"),
    ("clauses-environnementales", "Clauses environnementales"),
    ("clauses-sociales", "Clauses sociales"),
    ("sourcing", "Connaissance de l'offre (sourcing)"),
    ("cout-global", "Coût global"),
    ("suivi-evaluation", "Suivi et évaluation"),
]


def seed(model, rows):
    entries = {}
    for order, (slug, name) in enumerate(rows):
        entries[slug], _ = model.objects.get_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
    return entries


def forwards(apps, schema_editor):
    knowledge = apps.get_app_config("knowledge")
    types = seed(knowledge.get_model("StructureType"), STRUCTURE_TYPES)
    Departement = apps.get_model("knowledge", "Departement")
    departements = {}
    for order, (code, slug, name) in enumerate(DEPARTEMENTS):
        departements[code], _ = Departement.objects.get_or_create(
            code=code, defaults={"slug": slug, "name": name, "sort_order": order}
        )
    seed(knowledge.get_model("TerritoryContext"), CONTEXTS)
    seed(knowledge.get_model("SustainabilityCommitment"), SUSTAINABILITY_COMMITMENTS)
    seed(knowledge.get_model("PurchasingOrganisation"), PURCHASING_ORGANISATIONS)
    seed(knowledge.get_model("Sector"), SECTORS)
    seed(knowledge.get_model("Theme"), THEMES)

    StructurePage = apps.get_model("knowledge", "StructurePage")
    for structure in StructurePage.objects.all():
        structure.structure_type = types.get(structure.legacy_structure_type) or types["commune"]
        structure.departement = departements.get(structure.legacy_departement) or departements["33"]
        structure.save(update_fields=["structure_type", "departement"])


def backwards(apps, schema_editor):
    StructurePage = apps.get_model("knowledge", "StructurePage")
    for structure in StructurePage.objects.select_related("structure_type", "departement"):
        structure.legacy_structure_type = structure.structure_type.slug
        structure.legacy_departement = structure.departement.code
        structure.save(update_fields=["legacy_structure_type", "legacy_departement"])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_structure_experience")]

    operations = [migrations.RunPython(forwards, backwards)]
