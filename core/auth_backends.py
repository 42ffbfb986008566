"""Django's permission checks without their two queries on every request.

Every page a member reads asks ``user.has_perm("wagtailadmin.access_admin")`` (Wagtail's user
bar), and Django's ``ModelBackend`` answers by reading the user's own permissions and their
groups' permissions: two queries per request, although most members never reach the admin.

``PermissionsMixin`` answers from what each process remembers until the site-wide generation
changes (``core.site_cache.remember``): the permissions of every group, and who has
permissions of their own (rare: those people's are still read from the database). The user's
groups themselves are read afresh on each request (``core.visibility.groups_of``, the query the
reader's rights need anyway), so joining or leaving a group counts at once.

Any change to the permissions themselves (a group's or a user's permissions, a permission, a
group or a content type saved or deleted) bumps the generation (``connect``): a permission
granted or removed takes effect on the next request, in every process.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import signals

from .site_cache import invalidate, remember, remembering
from .visibility import forget_groups, groups_of


def _permissions_by_group():
    """``{group id: frozenset of "app_label.codename"}``, in one query."""
    found = {}
    rows = Group.permissions.through.objects.values_list(
        "group_id", "permission__content_type__app_label", "permission__codename"
    )
    for group_id, app_label, codename in rows:
        found.setdefault(group_id, set()).add(f"{app_label}.{codename}")
    return {group_id: frozenset(names) for group_id, names in found.items()}


def _users_with_own_permissions():
    through = get_user_model().user_permissions.through
    return frozenset(through.objects.values_list("user_id", flat=True).distinct())


class PermissionsMixin:
    """A ``ModelBackend`` whose permissions come from what the process remembers."""

    def _get_permissions(self, user_obj, obj, from_name):
        if (
            not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
            or user_obj.is_superuser  # every permission: Django's own query, rarely needed
            or not remembering()  # Django's two queries then read less than every group's
        ):
            return super()._get_permissions(user_obj, obj, from_name)
        cache_name = f"_{from_name}_perm_cache"  # on the user, as ModelBackend keeps them
        if not hasattr(user_obj, cache_name):
            if from_name == "group":
                permissions = self._group_permissions(user_obj)
            else:
                permissions = self._user_permissions(user_obj)
            setattr(user_obj, cache_name, permissions)
        return getattr(user_obj, cache_name)

    @staticmethod
    def _group_permissions(user_obj):
        group_ids = groups_of(user_obj)
        if not group_ids:
            return set()
        by_group = remember("permissions-by-group", _permissions_by_group)
        return set().union(*(by_group.get(pk, ()) for pk in group_ids))

    def _user_permissions(self, user_obj):
        if user_obj.pk not in remember("users-with-own-permissions", _users_with_own_permissions):
            return set()
        return super()._get_permissions(user_obj, None, "user")


class ModelBackend(PermissionsMixin, DjangoModelBackend):
    """Django's ``ModelBackend`` with remembered permissions."""


class AuthenticationBackend(PermissionsMixin, AllauthBackend):
    """allauth's backend (a ``ModelBackend`` too: asked as well whenever Django's answers
    no) with remembered permissions."""


def _bump_on_m2m(sender, action, instance=None, **kwargs):
    if action.startswith("post_"):
        invalidate()


def _bump(sender, raw=False, **kwargs):
    if not raw:
        invalidate()


def _forget_user_groups(sender, action, instance=None, reverse=False, **kwargs):
    """A user whose groups change in this request is asked again (their rights, their
    permissions), as Django forgets nothing it keeps on the user by itself."""
    if action.startswith("post_") and not reverse:
        forget_groups(instance)


def connect():
    """Bump the generation on any change to permissions; forget a user's groups when they
    change."""
    User = get_user_model()
    for through in (Group.permissions.through, User.user_permissions.through):
        signals.m2m_changed.connect(
            _bump_on_m2m, sender=through, dispatch_uid=f"raa_permissions_{through._meta.label}"
        )
    for model in (Permission, Group, ContentType):
        for signal in (signals.post_save, signals.post_delete):
            signal.connect(_bump, sender=model, dispatch_uid=f"raa_permissions_{model._meta.label}")
    signals.m2m_changed.connect(
        _forget_user_groups, sender=User.groups.through, dispatch_uid="raa_permissions_groups"
    )
