"""The coordinators' weekly programme summary: the network's to-do and the late structures,
emailed to every active approved coordinator (``manage.py send_programme_summary``, from cron).
"""

from django.urls import reverse

from core.links import absolute_url
from core.mail import send_templated
from knowledge.models import StructurePage

from .cockpit import coordinators, network_todo, structures_status

SUMMARY_LIMIT = 5  # rows listed per network list; the counts are whole


def summary_context(as_of):
    """What the summary says on ``as_of``: the network's lists and the late structures, every
    address absolute."""
    statuses = structures_status(StructurePage.objects.live().order_by("title"), as_of)
    late = [status for status in statuses if status.rows]
    for status in late:
        status.absolute_edit_url = absolute_url(status.edit_url)
        for row in status.rows:
            row.absolute_url = absolute_url(row.url)
    network = network_todo(as_of, limit=SUMMARY_LIMIT)
    for todo in network.values():
        todo.absolute_url = absolute_url(todo.url)
    return {
        "as_of": as_of,
        "late_structures": late,
        "late_count": sum(len(status.rows) for status in late),
        "network": network,
        "cockpit_url": absolute_url(reverse("cockpit")) + f"?date={as_of.isoformat()}",
    }


def send_programme_summary(as_of):
    """Queue the summary of ``as_of`` to each coordinator; returns how many were queued."""
    context = summary_context(as_of)
    count = 0
    for user in coordinators():
        send_templated(
            "website/email/programme_summary", user.email, {**context, "recipient": user}
        )
        count += 1
    return count
