"""Weekly reminders: what is late for their structure, emailed to each member of its team.

Who gets one: every active, approved member with a membership of a live structure's team
(referents and team members alike) whose structure has something late on the day the reminder
is prepared (``knowledge.lateness``), unless they opted out (``ReminderPreference``). Pending,
refused or deactivated accounts get nothing, and nobody hears about a structure whose team they
are not on. A person on several teams gets one email listing each structure with something late.

At most one reminder per person and ISO week (``SentReminder``): running the command twice the
same week sends nothing more. The number of queries does not depend on the number of structures
or late items; sending adds a few per recipient (recording the reminder, queueing the email).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from wagtail.coreutils import safe_snake_case

from core.links import absolute_url
from knowledge.lateness import LateKind, late_items
from members.models import Membership, User

from .emails import page_url, send_with_unsubscribe
from .models import SentReminder
from .tokens import reminder_unsubscribe_token

logger = logging.getLogger(__name__)

# The admin tabs of a structure's page where each kind of late item is put right, by their
# headings (Wagtail names a tab's anchor after its heading, in the admin's language).
JOURNEY_TAB = _("Journey")
ACTION_PLAN_TAB = _("Action plan")

FIX_LABELS = {
    LateKind.STEP: _("Update the journey"),
    LateKind.ACTION: _("Update the action plan"),
    LateKind.INDICATOR: _("Record a measurement"),
    LateKind.HANDOUT: _("Open the indicative list"),
    LateKind.QUESTIONNAIRE: _("Fill in the questionnaire"),
}


def week_of(day):
    """The Monday of ``day``'s ISO week: what a reminder is recorded under."""
    return day - timedelta(days=day.weekday())


@dataclass
class LateLine:
    """One late item as a reminder lists it."""

    item: object  # a knowledge.lateness.LateItem
    days: int
    fix_url: str
    fix_label: str


@dataclass
class StructureBlock:
    structure: object
    url: str
    lines: list = field(default_factory=list)


@dataclass
class Reminder:
    """The reminder due to one person for the week of ``as_of``."""

    user: User
    as_of: object
    blocks: list

    @property
    def week(self):
        return week_of(self.as_of)

    @property
    def late_count(self):
        return sum(len(block.lines) for block in self.blocks)


def admin_tab_url(structure, heading):
    with translation.override(settings.LANGUAGE_CODE):
        anchor = safe_snake_case(str(heading))
    return absolute_url(reverse("wagtailadmin_pages:edit", args=[structure.pk])) + f"#tab-{anchor}"


def fix_url(structure, structure_url, item):
    """Where ``item`` is put right: the admin tab of the journey or of the action plan, the
    structure's indicative lists or its questionnaire; else the structure's page."""
    if item.kind == LateKind.STEP:
        return admin_tab_url(structure, JOURNEY_TAB)
    if item.kind in (LateKind.ACTION, LateKind.INDICATOR):
        return admin_tab_url(structure, ACTION_PLAN_TAB)
    if item.kind == LateKind.HANDOUT:
        return structure_url + structure.reverse_subpage("handouts")
    if item.kind == LateKind.QUESTIONNAIRE:
        return structure_url + structure.reverse_subpage("questionnaire")
    return structure_url


def structure_block(structure, items, as_of):
    url = page_url(structure)
    return StructureBlock(
        structure=structure,
        url=url,
        lines=[
            LateLine(
                item=item,
                days=item.days_late(as_of),
                fix_url=fix_url(structure, url, item),
                fix_label=FIX_LABELS.get(item.kind, _("Open the structure's page")),
            )
            for item in items
        ],
    )


def team_memberships(week):
    """Memberships of live structures' teams whose member may get the reminder of ``week``:
    active, approved, with an address, not opted out, not sent that week's reminder yet."""
    return (
        Membership.objects.filter(
            user__is_active=True, user__status=User.Status.APPROVED, structure__live=True
        )
        .exclude(user__email="")
        .exclude(user__reminder_preference__weekly=False)
        .exclude(user__sent_reminders__week=week)
        .select_related("user", "structure")
        .order_by("user_id", "structure__title", "structure_id")
    )


def due_reminders(as_of):
    """The reminders due for the week of ``as_of``, one per person, in a fixed number of
    queries whatever the number of structures, members and late items."""
    memberships = list(team_memberships(week_of(as_of)))
    structures = {membership.structure_id: membership.structure for membership in memberships}
    # ``late_items`` formats some details (“3 of 8 gathered”) in the active language.
    with translation.override(settings.LANGUAGE_CODE):
        late = late_items(structures.values(), as_of)
    blocks = {
        pk: structure_block(structure, late[pk], as_of)
        for pk, structure in structures.items()
        if late[pk]
    }
    reminders = {}
    for membership in memberships:
        block = blocks.get(membership.structure_id)
        if block is None:
            continue
        reminder = reminders.setdefault(
            membership.user_id, Reminder(user=membership.user, as_of=as_of, blocks=[])
        )
        reminder.blocks.append(block)
    return list(reminders.values())


class SendFailed(Exception):
    pass


def send_reminder(reminder):
    """Record ``reminder`` and queue it, in one transaction; False when it was already sent
    this week (another run got there first) or the email failed (it is tried again next run)."""
    unsubscribe_url = absolute_url(
        reverse("follows:reminder_unsubscribe", args=[reminder_unsubscribe_token(reminder.user)])
    )
    context = {
        "as_of": reminder.as_of,
        "blocks": reminder.blocks,
        "structures": [block.structure for block in reminder.blocks],
    }
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                user=reminder.user, week=reminder.week, late_count=reminder.late_count
            )
            result = send_with_unsubscribe("reminder", reminder.user, unsubscribe_url, context)
            if result.status == TaskResultStatus.FAILED:  # immediate backend
                raise SendFailed
    except IntegrityError:  # one_reminder_per_week: a concurrent run sent it
        return False
    except SendFailed:
        logger.error("Reminder to user %s failed; it will be retried.", reminder.user.pk)
        return False
    return True


def send_reminders(as_of=None, dry_run=False):
    """Send the reminders due for the week of ``as_of`` (today by default); returns the
    reminders sent (with ``dry_run``, those that would be, and nothing is sent or recorded)."""
    reminders = due_reminders(as_of or timezone.localdate())
    if dry_run:
        return reminders
    return [reminder for reminder in reminders if send_reminder(reminder)]
