"""Keeps rights in step: see ``members.permissions``."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_added, email_confirmed, user_logged_in, user_signed_up
from django.contrib import messages
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.mail import send_templated
from knowledge.models import LessonIndexPage, StructurePage

from . import permissions
from .adapter import INVITATION_SESSION_KEY
from .approval import notify_coordinators_of_pending
from .models import Invitation, Membership, StructureTeam, User, accept_invitation


def connect(app_config):
    post_migrate.connect(on_migrate, sender=app_config, dispatch_uid="members-setup-roles")
    post_save.connect(on_structure_saved, sender=StructurePage, dispatch_uid="members-structure")
    post_save.connect(
        on_lesson_index_saved, sender=LessonIndexPage, dispatch_uid="members-lesson-index"
    )


def on_migrate(sender, using="default", **kwargs):
    permissions.setup_roles()


def on_structure_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        permissions.sync_structure_team(instance)


def on_lesson_index_saved(sender, instance, created=False, raw=False, **kwargs):
    """Teams write lessons under the index: an index created after them gives them the right."""
    if created and not raw:
        permissions.sync_all_structure_teams()


@receiver(post_save, sender=StructureTeam, dispatch_uid="members-team-saved")
def on_team_saved(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        permissions.sync_structure_team(instance.structure)


@receiver(post_save, sender=User, dispatch_uid="members-user-saved")
def on_user_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        permissions.sync_user_groups(instance)


@receiver(post_save, sender=Membership, dispatch_uid="members-membership-saved")
def on_membership_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        permissions.sync_user_groups(instance.user)


@receiver(post_delete, sender=User, dispatch_uid="members-user-deleted")
def on_user_deleted(sender, instance, **kwargs):
    """Whoever deletes an account (the person, a coordinator in the admin), its photo goes:
    a file left in the media folder would stay served at its address."""
    if instance.avatar:
        storage, name = instance.avatar.storage, instance.avatar.name
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=Membership, dispatch_uid="members-membership-deleted")
def on_membership_deleted(sender, instance, **kwargs):
    # Only ever removes: the user may be being deleted along with the membership.
    permissions.remove_team_rights(instance.user_id, instance.structure_id)


@receiver(user_signed_up, dispatch_uid="members-signed-up")
def on_signed_up(sender, request, user, **kwargs):
    """An invited person who signs up with the invited address joins at once."""
    token = request.session.pop(INVITATION_SESSION_KEY, None) if request else None
    invitation = Invitation.objects.filter(token=token).first() if token else None
    if invitation is not None:
        accept_invitation(invitation, user)


@receiver(email_confirmed, dispatch_uid="members-email-confirmed")
def on_email_confirmed(sender, request, email_address, **kwargs):
    """Tell the coordinators that a verified account awaits their approval."""
    user = email_address.user
    if user.status == User.Status.PENDING:
        notify_coordinators_of_pending(request, user)


@receiver(user_logged_in, dispatch_uid="members-logged-in")
def on_logged_in(sender, request, user, **kwargs):
    """At every login until approval (email confirmation included), say where the account
    stands: the login page would otherwise lead to members-only pages that stay closed."""
    if request is None or user.is_network_member:
        return
    if user.is_refused:
        text = _(
            "The coordination did not approve your account: the members' area stays closed "
            "to it. Every public page remains open to you."
        )
    else:
        text = _(
            "Your account is awaiting the coordination's approval. You will receive an email "
            "as soon as a coordinator has decided; until then, the public pages are open to you."
        )
    messages.warning(request, text, fail_silently=True)


@receiver(email_added, dispatch_uid="members-email-added")
def on_email_added(sender, request, user, email_address, **kwargs):
    """Tell the account's primary address that another address was added to it."""
    primary = (
        EmailAddress.objects.filter(user=user, primary=True)
        .exclude(pk=email_address.pk)
        .values_list("email", flat=True)
        .first()
    ) or user.email
    if primary and primary.lower() != email_address.email.lower():
        send_templated(
            "members/email/email_added",
            primary,
            {
                "person": user,
                "added_email": email_address.email,
                "email_url": absolute_url(reverse("account_email")),
                "password_url": absolute_url(reverse("account_change_password")),
            },
        )
