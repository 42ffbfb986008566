from django import forms
from django.utils.translation import gettext_lazy as _


class AttendeesEmailForm(forms.Form):
    """A coordinator's message to every confirmed attendee of an event."""

    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text. Each confirmed attendee receives it in a separate email."),
    )
