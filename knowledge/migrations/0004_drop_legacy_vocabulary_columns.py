import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_vocabularies_data")]

    operations = [
        migrations.RemoveField(model_name="structurepage", name="legacy_structure_type"),
        migrations.RemoveField(model_name="structurepage", name="legacy_departement"),
        migrations.AlterField(
            model_name="structurepage",
            name="structure_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="structures",
                to="knowledge.structuretype",
                verbose_name="type of structure",
            ),
        ),
        migrations.AlterField(
            model_name="structurepage",
            name="departement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="structures",
                to="knowledge.departement",
                verbose_name="département",
            ),
        ),
    ]
