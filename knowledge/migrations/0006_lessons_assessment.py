"""Lessons learned (their page type and four new vocabularies, seeded here) and the assessment
(bilan) section of a structure's page, with each action's outcome."""

import django.db.models.deletion
import modelcluster.fields
import modelsearch.index
from django.conf import settings
from django.db import migrations, models


LESSON_KINDS = [
    ("frein", "Frein"),
    ("levier", "Levier"),
    ("bonne-pratique", "Bonne pratique"),
    ("point-de-vigilance", "Point de vigilance"),
]
SUSTAINABILITY_DIMENSIONS = [
    ("environnemental", "Environnemental"),
    ("social", "Social"),
    ("economique", "Économique"),
    ("innovation", "Innovation"),
]
LEGAL_LEVERS = [
    ("specification-technique", "Spécification technique"),
    ("condition-execution", "Condition d'exécution"),
    ("critere-attribution", "Critère d'attribution"),
    ("marche-reserve", "Marché réservé"),
    ("sourcing", "Sourcing"),
    ("autre", "Autre"),
]
BUYING_STEPS = [
    ("definition-du-besoin", "Définition du besoin"),
    ("sourcing", "Sourcing"),
    ("redaction-du-dce", "Rédaction du DCE"),
    ("analyse-des-offres", "Analyse des offres"),
    ("suivi-execution", "Suivi d'exécution"),
]


def seed_vocabularies(apps, schema_editor):
    for model_name, rows in [
        ("LessonKind", LESSON_KINDS),
        ("SustainabilityDimension", SUSTAINABILITY_DIMENSIONS),
        ("LegalLever", LEGAL_LEVERS),
        ("BuyingStep", BUYING_STEPS),
    ]:
        model = apps.get_model("knowledge", model_name)
        for order, (slug, name) in enumerate(rows):
            model.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0004_drop_legacy_vocabulary_columns"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BuyingStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        help_text="Used in the directory's addresses: change it only if nobody links to it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower numbers come first in lists and filters.",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "step of the buying process",
                "verbose_name_plural": "steps of the buying process",
                "ordering": ["sort_order", "name"],
                "abstract": False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name="LegalLever",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        help_text="Used in the directory's addresses: change it only if nobody links to it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower numbers come first in lists and filters.",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "legal lever",
                "verbose_name_plural": "legal levers",
                "ordering": ["sort_order", "name"],
                "abstract": False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name="LessonKind",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        help_text="Used in the directory's addresses: change it only if nobody links to it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower numbers come first in lists and filters.",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "kind of lesson",
                "verbose_name_plural": "kinds of lesson",
                "ordering": ["sort_order", "name"],
                "abstract": False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name="SustainabilityDimension",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        help_text="Used in the directory's addresses: change it only if nobody links to it.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower numbers come first in lists and filters.",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "sustainability dimension",
                "verbose_name_plural": "sustainability dimensions",
                "ordering": ["sort_order", "name"],
                "abstract": False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.AddField(
            model_name="action",
            name="outcome",
            field=models.TextField(
                blank=True,
                help_text="What the action achieved, or why not: shown in the assessment (bilan).",
                max_length=1000,
                verbose_name="outcome at the assessment",
            ),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_achieved",
            field=models.TextField(
                blank=True,
                help_text="Against the action plan; each action's outcome is given in the Action plan tab. Markdown: **bold**, *italic*, lists, links.",
                verbose_name="what was achieved",
            ),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_achieved_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_is_illustrative",
            field=models.BooleanField(
                default=False,
                help_text="Tick when this section holds example data rather than facts: the page then labels it “illustrative data”.",
                verbose_name="illustrative data",
            ),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_network_lessons",
            field=models.TextField(
                blank=True,
                help_text="What other members can reuse; a lesson learned page may then cite this assessment. Markdown: **bold**, *italic*, lists, links.",
                verbose_name="lessons for the network",
            ),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_network_lessons_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_next_steps",
            field=models.TextField(
                blank=True,
                help_text="Markdown: **bold**, *italic*, lists, links.",
                verbose_name="what comes next",
            ),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_next_steps_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_shortfalls",
            field=models.TextField(
                blank=True,
                help_text="Markdown: **bold**, *italic*, lists, links.",
                verbose_name="what did not work, and why",
            ),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_shortfalls_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="assessment_visibility",
            field=models.CharField(
                choices=[("public", "everyone"), ("members", "network members only")],
                default="public",
                max_length=10,
                verbose_name="who can read this section",
            ),
        ),
        migrations.CreateModel(
            name="LessonPage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                (
                    "summary",
                    models.TextField(
                        help_text="One or two sentences shown in the listing and on the home page.",
                        max_length=400,
                        verbose_name="summary",
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        blank=True,
                        help_text="Markdown: **bold**, *italic*, lists, links, [text](page:12).",
                        verbose_name="body",
                    ),
                ),
                ("body_html", models.TextField(blank=True, editable=False)),
                (
                    "featured",
                    models.BooleanField(
                        default=False,
                        help_text="The home page shows the featured lessons, or the latest when none is.",
                        verbose_name="feature on the home page",
                    ),
                ),
                (
                    "is_illustrative",
                    models.BooleanField(
                        default=False,
                        help_text="Tick when this lesson is an example: the page then labels it so.",
                        verbose_name="illustrative data",
                    ),
                ),
                (
                    "actions",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.action",
                        verbose_name="actions of an action plan",
                    ),
                ),
                (
                    "assessments",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        help_text="The structures whose assessment (bilan) this lesson comes from.",
                        related_name="assessment_lessons",
                        to="knowledge.structurepage",
                        verbose_name="assessments",
                    ),
                ),
                (
                    "buying_steps",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.buyingstep",
                        verbose_name="steps of the buying process",
                    ),
                ),
                (
                    "diagnostic_items",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.diagnosticitem",
                        verbose_name="obstacles and levers of a diagnostic",
                    ),
                ),
                (
                    "kind",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lessons",
                        to="knowledge.lessonkind",
                        verbose_name="kind",
                    ),
                ),
                (
                    "legal_levers",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.legallever",
                        verbose_name="legal levers",
                    ),
                ),
                (
                    "sectors",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.sector",
                        verbose_name="purchasing sectors",
                    ),
                ),
                (
                    "structure_types",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        help_text="Leave empty when it applies to any structure.",
                        related_name="lessons",
                        to="knowledge.structuretype",
                        verbose_name="applies to these types of structure",
                    ),
                ),
                (
                    "structures",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.structurepage",
                        verbose_name="drawn from the experience of",
                    ),
                ),
                (
                    "themes",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.theme",
                        verbose_name="themes",
                    ),
                ),
                (
                    "dimensions",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        related_name="lessons",
                        to="knowledge.sustainabilitydimension",
                        verbose_name="sustainability dimensions",
                    ),
                ),
            ],
            options={
                "verbose_name": "lesson learned",
                "verbose_name_plural": "lessons learned",
            },
            bases=("wagtailcore.page",),
        ),
        migrations.CreateModel(
            name="LessonSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "lesson",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sources",
                        to="knowledge.lessonpage",
                    ),
                ),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.WAGTAIL_PAGE_MODEL,
                        verbose_name="post or resource",
                    ),
                ),
            ],
            options={
                "verbose_name": "post or resource",
                "verbose_name_plural": "posts and resources",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.RunPython(seed_vocabularies, migrations.RunPython.noop),
    ]
