"""allauth forms the site changes (a module of their own: allauth imports ``members.forms``
for the sign-up form while loading its own forms)."""

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.core import context as allauth_context
from django import forms
from django.utils.translation import gettext_lazy as _

from .rechecks import check_password_again


class AddEmailForm(AllauthAddEmailForm):
    """allauth's form to add an email address, with the password asked again: a session left
    open must not be enough to attach an address that could then reset the password."""

    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        check_password_again(allauth_context.request, self.user, password)
        return password
