"""The contact form: a message to the coordination of the network, by email.

Anyone may write (the accessibility statement sends people here), so the form is guarded: a
field hidden from people catches robots, and each address sends a few messages an hour at most.
"""

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.mail import send_templated
from core.roles import COORDINATORS_GROUP

DEFAULT_THANK_YOU = _("Thank you: your message has been sent to the coordination of the network.")
UNAVAILABLE_MESSAGE = _(
    "The coordination cannot receive messages at the moment: please try again later."
)
RATE_LIMITED_MESSAGE = _(
    "You have sent several messages in a short time: wait an hour before writing again, "
    "or write to the coordination by email."
)


class ContactForm(forms.Form):
    TOPICS = [
        ("accessibilite", _("Accessibility: a content or a service I cannot use")),
        ("question", _("A question about the programme or the network")),
        ("autre", _("Something else")),
    ]

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        error_messages={"required": _("Give your name, so that the coordination can answer you.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("Only used to answer you."),
        error_messages={
            "required": _("Give your email address: the answer is sent there."),
            "invalid": _("Enter a valid email address, for example nom@exemple.fr."),
        },
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=TOPICS,
        error_messages={"required": _("Choose the topic of your message.")},
    )
    message = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write your message.")},
    )
    # The honeypot: hidden from people (and from assistive technologies), filled by robots.
    reference = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("reference"))

    def topic_label(self):
        return dict(self.TOPICS)[self.cleaned_data["topic"]]


def contact_rate_limited(request):
    """Count one message from ``request``'s client address; True past the hourly limit."""
    key = f"contact-rate:{get_adapter(request).get_client_ip(request)}"
    period = settings.RAA_CONTACT_RATE_PERIOD
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period)
        count = 1
    return count > settings.RAA_CONTACT_RATE_LIMIT


def coordination_addresses(to_address=""):
    """The page's own address if it has one, else every active coordinator's (maybe none)."""
    if to_address:
        return [to_address]
    coordinators = get_user_model().objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
    return sorted(set(coordinators.values_list("email", flat=True)))


def send_contact_message(form, recipients):
    """One email to ``recipients``, answerable to the sender; nothing for a robot."""
    if form.is_spam:
        return None
    data = form.cleaned_data
    return send_templated(
        "website/email/contact",
        recipients,
        {**data, "topic_label": form.topic_label()},
        headers={"Reply-To": data["email"]},
    )
