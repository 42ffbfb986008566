from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page

from blog.demo import build_blog, build_comments, build_posts
from knowledge.demo import build_knowledge
from knowledge.demo_lessons import build_lessons
from members.demo import build_accounts
from search.indexing import rebuild
from search.results import SearchUnavailable
from search.signals import indexing_paused
from website.demo import build_home, build_site_pages


def holds_content():
    """Whether the database has an account or a page below the site's root page."""
    return get_user_model().objects.exists() or Page.objects.filter(depth__gt=2).exists()


class Command(BaseCommand):
    help = (
        "Build the demo page tree (home, blog, structures, resources, lessons, agenda). "
        "Idempotent: pages are found by slug before being created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-accounts",
            action="store_true",
            help="Also create the local demo accounts (refused when DEBUG is off).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "Do nothing when the database already holds content (an account, or a page "
                "below the home page): `make serve` loads the demo on a fresh database only."
            ),
        )

    def handle(self, *args, with_accounts=False, if_empty=False, **options):
        if if_empty and holds_content():
            self.stdout.write("The database already holds content: demo content not loaded.")
            return
        if with_accounts and not settings.DEBUG:
            raise CommandError(
                "--with-accounts creates accounts with public passwords: "
                "it only runs with DEBUG on."
            )
        # Publishing each page would index it on its own: the index is rebuilt once instead.
        with indexing_paused(), transaction.atomic():
            home = build_home(self.stdout)
            build_blog(home, self.stdout)
            build_knowledge(home, self.stdout)
            build_site_pages(home, self.stdout)
            if with_accounts:
                self.stdout.write("Demo accounts (local use only):")
                build_accounts(self.stdout)
            build_posts(self.stdout)
            build_comments(self.stdout)
            build_lessons(self.stdout)
        try:
            written = rebuild()
        except SearchUnavailable:
            self.stderr.write(
                "The search index could not be rebuilt (search backend unavailable): "
                "run `manage.py search_index --rebuild` once it is back."
            )
        else:
            self.stdout.write(f"Search index rebuilt: {written} entries.")
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
