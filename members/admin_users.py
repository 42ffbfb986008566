"""The Wagtail admin's user screens for coordinators: accounts without superuser powers.

Only a superuser makes a superuser, sets another person's password, deactivates, deletes or
changes the groups of a coordinator, or edits a superuser's account. For anyone else the fields
are left out of the forms, so a tampered POST changes nothing (security review S4). Registered
through
``members.apps.UsersConfig``, which replaces ``wagtail.users`` in ``INSTALLED_APPS``.
"""

from django.core.exceptions import PermissionDenied
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users


class AccountPowersMixin:
    def __init__(self, *args, for_user=None, **kwargs):
        instance = kwargs.get("instance")
        self.restricted = for_user is not None and not for_user.is_superuser
        self.editing_own_account = (
            for_user is not None and instance is not None and instance.pk == for_user.pk
        )
        super().__init__(*args, **kwargs)
        if not self.restricted:
            return
        self.fields.pop("is_superuser", None)
        target_is_coordinator = instance is not None and instance.pk and instance.is_coordinator
        if target_is_coordinator and not self.editing_own_account:
            # Neither deactivated nor taken out of the coordination by a peer.
            self.fields.pop("is_active", None)
            self.fields.pop("groups", None)

    @property
    def password_enabled(self):
        return super().password_enabled and (not self.restricted or self.editing_own_account)

    def save(self, commit=True):
        user = super().save(commit=False)
        if user._state.adding and not self.password_enabled:
            # The person sets their own password ("Mot de passe oublié ?" on the login page).
            user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class CoordinatorUserCreationForm(AccountPowersMixin, UserCreationForm):
    pass


class CoordinatorUserEditForm(AccountPowersMixin, UserEditForm):
    pass


class FormForUserMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class CreateView(FormForUserMixin, users.CreateView):
    pass


class EditView(FormForUserMixin, users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            # Changing a superuser's email address would hand over their account.
            raise PermissionDenied


class DeleteView(users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        target = self.get_object()
        if not request.user.is_superuser and target.is_coordinator:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        return CoordinatorUserEditForm if for_update else CoordinatorUserCreationForm
