"""Guards that a deliberate mutation once slipped past: who gets an instant email.

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

from django.core import mail

from follows.tests.test_digests import approved, draft, follow, publish
from members.models import User
from members.tests.factories import UserFactory


def test_a_public_post_is_emailed_to_members_only_not_to_accounts_no_longer_approved(
    blog, django_capture_on_commit_callbacks
):
    member = approved()
    # Follows made while approved, kept after the account went back to pending or was refused.
    for user in (
        member,
        UserFactory(status=User.Status.PENDING),
        UserFactory(status=User.Status.REFUSED),
    ):
        follow(user, "blog", "instant")
    new = draft(blog, "Ouvert à tous")

    with django_capture_on_commit_callbacks(execute=True):
        publish(new)

    assert [m.to for m in mail.outbox] == [[member.email]]
