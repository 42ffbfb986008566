"""Personal data (RGPD): what the site holds about a person, and erasing it."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.dispatch import Signal
from wagtail.models import Page

from .models import Invitation

# Apps above ``members`` hold personal data too (comments, follows...). They answer these:
# ``personal_data_requested(sender=User, user=...)`` returns a dict merged into the export;
# ``account_will_be_deleted(sender=User, user=...)`` runs before the account is erased.
personal_data_requested = Signal()
account_will_be_deleted = Signal()

PROFILE_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "display_name",
    "job_title",
    "bio",
    "profile_visibility",
    "status",
    "date_joined",
    "last_login",
    "status_changed_at",
]


def export_personal_data(user):
    """Everything the site holds about ``user``, as plain JSON-ready data."""
    data = {
        "profile": {
            **{field: getattr(user, field) for field in PROFILE_FIELDS},
            "structure": user.structure.title if user.structure_id else None,
            "avatar": user.avatar.url if user.avatar else None,
        },
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        "two_factor_methods": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "memberships": [
            {"structure": m.structure.title, "role": m.get_role_display(), "since": m.created_at}
            for m in user.memberships.select_related("structure")
        ],
        "invitations_sent": list(
            Invitation.objects.filter(invited_by=user).values(
                "email", "created_at", "expires_at", "accepted_at"
            )
        ),
        "pages_owned": [
            {"title": page.title, "url": page.url_path, "live": page.live}
            for page in Page.objects.filter(owner=user).only("title", "url_path", "live")
        ],
    }
    for _receiver, answer in personal_data_requested.send(sender=type(user), user=user):
        data.update(answer or {})
    return data


@transaction.atomic
def delete_account(user):
    """Erase ``user``: their pages stay with no author, their personal records go.

    Foreign keys to the user decide what stays: pages, revisions and invitations they sent
    keep existing with the user set to NULL; memberships, email addresses, two-factor
    methods and their admin profile are deleted with the account. Comments stay, signed
    "deleted account": detached from the user, without name, email, URL or IP address.
    """
    # The photo's file goes with the account (``members.signals.on_user_deleted``).
    account_will_be_deleted.send(sender=type(user), user=user)
    user.delete()
