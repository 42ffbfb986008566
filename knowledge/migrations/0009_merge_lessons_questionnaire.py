# Joins the branches of the knowledge base built side by side: lessons and the assessment
# (0006) beside resources, the indicative lists and the questionnaire (0005, 0007, 0008).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0006_lessons_assessment"),
        ("knowledge", "0008_questionnaire"),
    ]

    operations = []
