"""Asking the password again before a sensitive change, with a limit on the attempts."""

from allauth.core import ratelimit
from django import forms
from django.utils.translation import gettext_lazy as _


def check_password_again(request, user, password):
    """Raise a French ``ValidationError`` unless ``password`` is ``user``'s.

    Every attempt counts against allauth's "reauthenticate" rate for the account, so a
    stolen session cannot guess the password through a sensitive change."""
    if not ratelimit.consume(request, action="reauthenticate", user=user):
        raise forms.ValidationError(
            _("Too many password attempts. Wait a few minutes, then try again."),
            code="rate_limited",
        )
    if not user.check_password(password):
        raise forms.ValidationError(_("This password is not correct."), code="wrong_password")
