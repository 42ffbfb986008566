"""``send_reminders [--date YYYY-MM-DD] [--dry-run]``: run weekly from cron (see the README)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from follows.reminders import send_reminders, week_of


def iso_date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD expected): {value!r}") from None


class Command(BaseCommand):
    help = (
        "Email each structure team member what is late for their structure, once per ISO week "
        "(a second run the same week sends nothing more)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=str,
            default=None,
            help="The day the lateness is judged on, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get a reminder; send and record nothing.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        as_of = iso_date(date) if date else timezone.localdate()
        reminders = send_reminders(as_of, dry_run=dry_run)
        for reminder in reminders:
            structures = ", ".join(block.structure.title for block in reminder.blocks)
            prefix = "would send to" if dry_run else "sent to"
            self.stdout.write(
                f"{prefix} {reminder.user.email}: {structures} ({reminder.late_count} late)"
            )
        verb = "would be sent" if dry_run else "sent"
        week = week_of(as_of).isoformat()
        self.stdout.write(f"reminders {verb}: {len(reminders)} (week of {week}, as of {as_of})")
