"""Instant emails at a page's first publication; follows go with what they follow."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published

from core.followables import registry
from members.privacy import personal_data_requested

from .instant import on_page_published
from .models import Follow, ReminderPreference, SentReminder


def connect():
    page_published.connect(on_page_published, dispatch_uid="follows-page-published")
    personal_data_requested.connect(export_follows, dispatch_uid="follows-personal-data")
    for followable in registry.kinds():
        if not followable.section:
            post_delete.connect(
                forget_target,
                sender=followable.model,
                dispatch_uid=f"follows-forget-{followable.kind}",
            )


def forget_target(sender, instance, **kwargs):
    """A deleted category, structure... is followed by nobody any more."""
    kinds = [f.kind for f in registry.kinds() if not f.section and isinstance(instance, f.model)]
    Follow.objects.filter(kind__in=kinds, target_id=instance.pk).delete()


def export_follows(sender, user, **kwargs):
    """What a person follows and their weekly reminders, for their personal-data export."""
    return {
        "follows": [
            {
                "target": str(follow.target_label),
                "frequency": follow.get_frequency_display(),
                "since": follow.created_at,
            }
            for follow in Follow.objects.filter(user=user).for_listing()
        ],
        "weekly_reminders": ReminderPreference.wants_reminders(user),
        "reminders_sent": list(
            SentReminder.objects.filter(user=user)
            .order_by("week")
            .values("week", "sent_at", "late_count")
        ),
    }
