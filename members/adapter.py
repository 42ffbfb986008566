"""How allauth fits the network: invitations skip approval, emails go through django-tasks."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .tasks import send_email_message

INVITATION_SESSION_KEY = "members_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render now, send in the background: a slow mail server never slows a page."""
        site = {"name": settings.WAGTAIL_SITE_NAME, "domain": urlsplit(settings.SITE_URL).netloc}
        message = self.render_mail(
            template_prefix, email, {"email": email, "current_site": site, **context}
        )
        send_email_message.enqueue(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            alternatives=[list(pair) for pair in getattr(message, "alternatives", [])],
        )
