"""Approving or refusing new accounts, and telling the people concerned."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import User


def _absolute(path):
    return settings.SITE_URL + path


def notify_coordinators_of_pending(request, user):
    coordinators = User.objects.filter(groups__name="Coordination", is_active=True).distinct()
    adapter = get_adapter(request)
    for coordinator in coordinators:
        adapter.send_mail(
            "members/email/pending",
            coordinator.email,
            {"person": user, "review_url": _absolute(reverse("members_admin:pending"))},
        )


@transaction.atomic
def decide(user, approve, request=None):
    """Approve or refuse a pending account and email the person; False if it was not pending."""
    changed = User.objects.filter(pk=user.pk, status=User.Status.PENDING).update(
        status=User.Status.APPROVED if approve else User.Status.REFUSED,
        status_changed_at=timezone.now(),
    )
    if not changed:
        return False
    user.refresh_from_db()
    user.save()  # runs the group sync
    get_adapter(request).send_mail(
        "members/email/approved" if approve else "members/email/refused",
        user.email,
        {
            "person": user,
            "site_url": _absolute("/"),
            "login_url": _absolute(reverse("account_login")),
        },
    )
    return True
