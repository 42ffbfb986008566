"""Approved network members for ``make loadtest``: ``charge-001@exemple.fr`` ... with one public
password. Like the demo accounts, refused with ``DEBUG`` off: never on a real site."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from members.models import User

PASSWORD = "demo-charge"  # noqa: S105


def member_email(number):
    return f"charge-{number:03d}@exemple.fr"


class Command(BaseCommand):
    help = "Create (or keep) the load test's approved members charge-NNN@exemple.fr."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=50)

    def handle(self, *args, count=50, **options):
        if not settings.DEBUG:
            raise CommandError("The load test's members have a public password: DEBUG only.")
        password = make_password(PASSWORD)  # one hash for all: creating them stays fast
        created = 0
        with transaction.atomic():
            for number in range(1, count + 1):
                email = member_email(number)
                user, new = User.objects.get_or_create(
                    email=email,
                    defaults={
                        "first_name": "Membre",
                        "last_name": f"Charge {number:03d}",
                        "password": password,
                        "status": User.Status.APPROVED,
                        "status_changed_at": timezone.now(),
                    },
                )
                created += new
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
        self.stdout.write(
            f"{count} load test members ({created} created): "
            f"{member_email(1)} ... {member_email(count)} / {PASSWORD}"
        )
