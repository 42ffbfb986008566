"""``manage.py search_index --rebuild`` or ``--update PAGE_ID``: whichever backend is set."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from search import indexing
from search.backends import get_backend
from search.results import SearchUnavailable


class Progress:
    """A plain-text progress line on stderr: "1200/3400 (35 %)", redrawn on a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done, total):
        total = max(total or 0, done)  # the total is an estimate: never show more than 100 %
        percent = 100 * done // total if total else 100
        line = f"{done}/{total} ({percent} %)"
        if self.tty:
            self.stream.write(f"\r{line}", ending="")
        else:
            self.stream.write(line)
        self.stream.flush()


class Command(BaseCommand):
    help = "Rebuild the site search's index, or index one page again (and the pages below it)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--rebuild",
            action="store_true",
            help="Index every page from scratch; readers keep the old index until it is done.",
        )
        action.add_argument(
            "--update",
            type=int,
            metavar="PAGE_ID",
            help="Index this page and the pages below it again.",
        )

    def handle(self, *args, rebuild=False, update=None, **options):
        backend = get_backend()
        try:
            if rebuild:
                progress = Progress(self.stderr)
                written = indexing.rebuild(progress=progress, backend=backend)
                progress(written, written)  # the total was an estimate: end on the count
                if progress.tty:
                    self.stderr.write("")
                self.stdout.write(self.style.SUCCESS(f"Search index rebuilt ({written} entries)."))
                return
            page = Page.objects.filter(pk=update).first()
            if page is None:
                raise CommandError(f"No page has the id {update}.")
            written = indexing.reindex_subtree(page, backend=backend)
            self.stdout.write(self.style.SUCCESS(f"Page {update} indexed ({written} entries)."))
        except SearchUnavailable as error:
            raise CommandError(f"The search backend is unavailable: {error}") from error
