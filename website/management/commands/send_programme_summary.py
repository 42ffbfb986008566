"""``send_programme_summary [--date YYYY-MM-DD]``: the coordinators' weekly summary, from cron
(see the README, "Cockpit")."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from website.cockpit import programme_as_of
from website.programme_summary import send_programme_summary


class Command(BaseCommand):
    help = (
        "Email every active approved coordinator the network's to-do and the late structures "
        "(as of the programme date, or today)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The day to see the programme from (YYYY-MM-DD); default: the programme date.",
        )

    def handle(self, *args, date=None, **options):
        if date:
            try:
                as_of = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Not a date (YYYY-MM-DD): {date!r}") from None
        else:
            as_of = programme_as_of()
        count = send_programme_summary(as_of)
        self.stdout.write(
            f"Programme summary as of {as_of.isoformat()} sent to {count} coordinators."
        )
