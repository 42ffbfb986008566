"""How allauth fits the network: invitations skip approval, emails go through ``core.mail``,
accounts awaiting approval land on their account page, which says what happens next."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from core.links import on_site, site_url
from core.mail import send_templated

INVITATION_SESSION_KEY = "members_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render now, send in the background: a slow mail server never slows a page."""
        site = {"name": settings.WAGTAIL_SITE_NAME, "domain": urlsplit(site_url()).netloc}
        # allauth builds its links (confirmation, password reset, signup) from the request.
        links = {
            key: on_site(value)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str)
        }
        context = {**context, **links}
        send_templated(template_prefix, email, {"email": email, "current_site": site, **context})

    def get_login_redirect_url(self, request):
        """Accounts not (or not yet) approved land on their account page, which explains."""
        if not request.user.is_network_member:
            return reverse("members:edit_profile")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """After confirming the address (which logs in), the same: the account page."""
        if request.user.is_authenticated and not request.user.is_network_member:
            return reverse("members:edit_profile")
        return super().get_signup_redirect_url(request)
