# The Follow model moves from ``members`` to ``follows``: state only, the table stays.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blog", "0002_blogcategory_blogpostpage_blogposttag_and_more"),
        ("knowledge", "0001_initial"),
        ("members", "0003_follow"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Follow",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("blog", "the blog"), ("category", "a blog category"), ("structure", "a structure"), ("lessons", "the lessons learned"), ("resources", "the resources")], max_length=20, verbose_name="what is followed")),
                        ("frequency", models.CharField(choices=[("instant", "instant email"), ("daily", "daily digest"), ("weekly", "weekly digest"), ("paused", "paused (no email)")], default="weekly", max_length=10, verbose_name="frequency")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="followed since")),
                        ("last_digest_at", models.DateTimeField(default=django.utils.timezone.now, help_text="Pages and comments up to this moment have been considered for a digest.", verbose_name="digest sent up to")),
                        ("category", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="follows", to="blog.blogcategory", verbose_name="category")),
                        ("structure", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="follows", to="knowledge.structurepage", verbose_name="structure")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="follows", to=settings.AUTH_USER_MODEL, verbose_name="member")),
                    ],
                    options={
                        "verbose_name": "follow",
                        "verbose_name_plural": "follows",
                        "db_table": "members_follow",
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("category__isnull", False), ("kind", "category"), ("structure__isnull", True)), models.Q(("category__isnull", True), ("kind", "structure"), ("structure__isnull", False)), models.Q(("category__isnull", True), ("kind__in", ["blog", "lessons", "resources"]), ("structure__isnull", True)), _connector="OR"), name="follow_target_matches_kind"), models.UniqueConstraint(condition=models.Q(("kind__in", ["blog", "lessons", "resources"])), fields=("user", "kind"), name="one_follow_per_section"), models.UniqueConstraint(condition=models.Q(("category__isnull", False)), fields=("user", "category"), name="one_follow_per_category"), models.UniqueConstraint(condition=models.Q(("structure__isnull", False)), fields=("user", "structure"), name="one_follow_per_structure")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
