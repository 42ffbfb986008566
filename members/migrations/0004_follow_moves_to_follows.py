# The Follow model now belongs to the ``follows`` app (same table): state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_follow"),
        ("follows", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Follow")],
            database_operations=[],
        ),
    ]
