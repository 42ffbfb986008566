"""How allauth fits the network: invitations skip approval, emails go through ``core.mail``,
accounts awaiting approval land on their account page, which says what happens next;
failed logins are counted per client address, never per account alone."""

import logging
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from allauth.core.internal.ratelimit import truncate_ip
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse

from core.links import on_site, site_url
from core.mail import send_templated

INVITATION_SESSION_KEY = "members_invitation_token"

logger = logging.getLogger(__name__)


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

    def get_client_ip(self, request):
        """The client's address as ``ALLAUTH_TRUSTED_PROXY_COUNT`` trusted proxies saw it.

        allauth takes the N-th address from the right of X-Forwarded-For (what the client sent
        itself lies to the left of it, and is never read). A header shorter than the proxies
        configured is a misconfiguration or a request that bypassed a proxy: allauth raises
        ImproperlyConfigured (a 500 for every visitor); this falls back to the connection's
        own address and logs it.
        """
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning(
                "X-Forwarded-For has fewer addresses than ALLAUTH_TRUSTED_PROXY_COUNT=%s",
                settings.ALLAUTH_TRUSTED_PROXY_COUNT,
            )
            ip = clean_client_ip(request.META.get("REMOTE_ADDR", ""))
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            return ip

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins count per (client address, account): a stranger who knows the email
        address slows down only their own attempts, never the owner's from elsewhere.

        allauth also clears this key after a successful password reset, from the address that
        reset it."""
        key = super()._get_login_attempts_cache_key(request, **credentials)
        # IPv6: one count per /64 (allauth's prefix), as its per-address limit does.
        return f"{key}:{truncate_ip(self.get_client_ip(request))}"
