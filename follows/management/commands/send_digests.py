"""``send_digests --frequency daily|weekly``: run from cron (see the README)."""

from django.core.management.base import BaseCommand

from follows.digests import send_digests
from follows.models import Follow


class Command(BaseCommand):
    help = "Email the daily or weekly digest to every member who has one due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            required=True,
            choices=[str(value) for value in Follow.DIGEST_FREQUENCIES],
            help="Which digest to send.",
        )

    def handle(self, *args, frequency, **options):
        count = send_digests(frequency)
        self.stdout.write(f"{frequency} digests sent: {count}")
