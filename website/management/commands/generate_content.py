"""``manage.py generate_content --scale N``: synthetic French content for benchmarks only.

Refuses a database holding real content (anything but its own earlier output) and, as the demo
accounts, runs only with ``DEBUG`` on: its members share a public password.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from search.indexing import rebuild
from search.results import SearchUnavailable
from search.signals import indexing_paused
from website.synthetic import MEMBER_PASSWORD, build, holds_other_content, marker_scale


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic content in proportion to --scale (1: about "
        "three times the demo; 50: about 10,000 posts and 2,000 lessons). Benchmarks only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, scale=1.0, seed=1, no_progress=False, **options):
        if scale <= 0 or scale > 1000:  # noqa: PLR2004
            raise CommandError(_("The scale must be a number above 0 and at most 1000."))
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "generate_content creates accounts with a public password: it only runs "
                    "with DEBUG on, on a benchmark database."
                )
            )
        if holds_other_content():
            raise CommandError(
                _(
                    "This database holds real content (accounts or pages): generate_content "
                    "only fills an empty database or one it generated itself. Use a new "
                    "database file (DATABASE_URL=sqlite:///bench.sqlite3)."
                )
            )
        previous = marker_scale()
        if previous is not None:
            if previous == scale:
                self.stdout.write(
                    _("Synthetic content already generated at scale %(scale)g: nothing to do.")
                    % {"scale": scale}
                )
                return
            raise CommandError(
                _(
                    "This database already holds synthetic content at scale %(previous)g: "
                    "use a new database for scale %(scale)g."
                )
                % {"previous": previous, "scale": scale}
            )
        with indexing_paused():
            added = build(
                scale,
                self.stdout,
                stderr=self.stderr._out,
                show_progress=not no_progress,
                seed=seed,
            )
        try:
            written = rebuild()
        except SearchUnavailable:
            self.stderr.write("Search index not rebuilt: run `manage.py search_index --rebuild`.")
        else:
            self.stdout.write(f"Search index rebuilt: {written} entries.")
        self.stdout.write(
            self.style.SUCCESS(
                "Synthetic content added: "
                + ", ".join(f"{key} {value}" for key, value in added.items())
                + f". Members: synthetique-00001@exemple.fr ... / {MEMBER_PASSWORD}; "
                "demo accounts as in load_demo_content (membre@exemple.fr / demo-membre)."
            )
        )
