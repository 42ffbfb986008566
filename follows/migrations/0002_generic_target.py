# A follow names its target by the kind registered in core.followables and the object's id,
# so that a new followable thing needs no new column. Ids and rows are kept: unsubscribe links
# already sent (they carry follow ids) keep working.

from django.db import migrations, models


def copy_targets(apps, schema_editor):
    Follow = apps.get_model("follows", "Follow")
    for follow in Follow.objects.exclude(category__isnull=True, structure__isnull=True):
        follow.target_id = follow.category_id or follow.structure_id
        follow.save(update_fields=["target_id"])


def restore_targets(apps, schema_editor):
    Follow = apps.get_model("follows", "Follow")
    Follow.objects.filter(kind="category").update(category_id=models.F("target_id"))
    Follow.objects.filter(kind="structure").update(structure_id=models.F("target_id"))


class Migration(migrations.Migration):
    dependencies = [("follows", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="follow",
            name="target_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="followed object"),
        ),
        migrations.RunPython(copy_targets, restore_targets),
        migrations.RemoveConstraint(model_name="follow", name="follow_target_matches_kind"),
        migrations.RemoveConstraint(model_name="follow", name="one_follow_per_section"),
        migrations.RemoveConstraint(model_name="follow", name="one_follow_per_category"),
        migrations.RemoveConstraint(model_name="follow", name="one_follow_per_structure"),
        migrations.RemoveField(model_name="follow", name="category"),
        migrations.RemoveField(model_name="follow", name="structure"),
        migrations.AlterField(
            model_name="follow",
            name="kind",
            field=models.CharField(help_text="A kind registered in core.followables: blog, category, structure...", max_length=20, verbose_name="what is followed"),
        ),
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.UniqueConstraint(condition=models.Q(("target_id__isnull", True)), fields=("user", "kind"), name="one_follow_per_section"),
        ),
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.UniqueConstraint(condition=models.Q(("target_id__isnull", False)), fields=("user", "kind", "target_id"), name="one_follow_per_target"),
        ),
    ]
