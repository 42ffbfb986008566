"""Approving or refusing new accounts, and telling the people concerned."""

from allauth.account.adapter import get_adapter
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url

from .models import User


def notify_coordinators_of_pending(request, user):
    coordinators = User.objects.filter(groups__name="Coordination", is_active=True).distinct()
    adapter = get_adapter(request)
    for coordinator in coordinators:
        adapter.send_mail(
            "members/email/pending",
            coordinator.email,
            {"person": user, "review_url": absolute_url(reverse("members_admin:pending"))},
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
            "site_url": absolute_url("/"),
            "login_url": absolute_url(reverse("account_login")),
        },
    )
    return True
