"""Delete for good what has been in the trash for too long (run it daily from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from website.trash.comments import purge_comments_older_than
from website.trash.models import TrashedPage
from website.trash.pages import purge_pages


class Command(BaseCommand):
    help = "Delete for good the pages and comments trashed more than N days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Age in days (default: the RAA_TRASH_DAYS setting).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.RAA_TRASH_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be zero or more.")
        pages, refusals = purge_pages(TrashedPage.objects.older_than(days).for_listing())
        comments = purge_comments_older_than(days)
        for refusal in refusals:
            self.stderr.write(f"Kept: {refusal}")
        self.stdout.write(f"Purged {pages} trashed page(s) and {comments} comment(s).")
