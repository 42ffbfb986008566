import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from knowledge.models import StructurePage

STEP_ONE = [("knowledge", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_step_one_structure_pages_keep_their_url_and_get_vocabulary_entries():
    old_apps = migrate(STEP_ONE)
    OldPage = old_apps.get_model("wagtailcore", "Page")
    OldStructure = old_apps.get_model("knowledge", "StructurePage")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    Locale = old_apps.get_model("wagtailcore", "Locale")
    root = OldPage.objects.get(depth=1)
    structure = OldStructure.objects.create(
        title="SDIS 24",
        draft_title="SDIS 24",
        slug="sdis-24-ancien",
        path=f"{root.path}0099",
        depth=root.depth + 1,
        numchild=0,
        url_path="/sdis-24-ancien/",
        live=True,
        content_type=ContentType.objects.get_or_create(
            app_label="knowledge", model="structurepage"
        )[0],
        locale=Locale.objects.first(),
        structure_type="etablissement-public",
        departement="24",
        summary="Service départemental d'incendie et de secours.",
    )
    OldPage.objects.filter(pk=root.pk).update(numchild=root.numchild + 1)

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    migrated = StructurePage.objects.get(pk=structure.pk)
    assert migrated.url_path == "/sdis-24-ancien/"
    assert migrated.slug == "sdis-24-ancien"
    assert migrated.summary == "Service départemental d'incendie et de secours."
    assert migrated.structure_type.slug == "etablissement-public"
    assert migrated.structure_type.name == "Établissement public"
    assert (migrated.departement.code, migrated.departement.name) == ("24", "Dordogne")
