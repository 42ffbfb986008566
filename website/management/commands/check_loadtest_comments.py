"""After ``make loadtest``: is every comment the simulated members posted stored exactly once?

The load test writes a JSON file: ``{"run": "<id>", "posted": [tokens of the comments the site
accepted], "failed": [tokens of the posts that got an error]}``. Each comment's text carries its
token (``[charge <run> <n>]``). The command counts the stored comments of the run per token,
prints the lost, duplicated and unexpected ones, and exits with status 1 when any comment the
site accepted is missing or stored twice.
"""

import json
import re
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from blog.models import BlogComment


def token_pattern(run):
    return re.compile(r"\[charge " + re.escape(run) + r" (\d+)\]")


class Command(BaseCommand):
    help = "Check that each comment a load test run posted is stored exactly once."

    def add_arguments(self, parser):
        parser.add_argument("report", help="the JSON file the load test wrote")

    def handle(self, *args, report, **options):
        with open(report, encoding="utf-8") as source:
            data = json.load(source)
        run = data["run"]
        posted = Counter(data["posted"])
        failed = set(data.get("failed", []))
        pattern = token_pattern(run)
        texts = BlogComment.objects.filter(comment__contains=f"[charge {run} ").values_list(
            "comment", flat=True
        )
        stored = Counter(match for text in texts for match in pattern.findall(text))
        lost = sorted(token for token in posted if stored[token] == 0)
        duplicated = sorted(token for token, count in stored.items() if count > 1)
        unexpected = sorted(token for token in stored if token not in posted)
        self.stdout.write(
            f"Comments: {sum(posted.values())} accepted, {len(failed)} refused or failed, "
            f"{sum(stored.values())} stored; lost {len(lost)}, duplicated {len(duplicated)}, "
            f"stored though refused {len(unexpected)}"
        )
        if lost or duplicated or any(count > 1 for count in posted.values()):
            raise CommandError(
                f"Comments lost: {lost[:20]}; stored more than once: {duplicated[:20]}"
            )
