# Joins the contact page and the members' area page, built side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0004_contact_page"),
        ("website", "0004_members_area_page"),
    ]

    operations = []
