"""One way to send an email: ``send_templated``.

Every message of the site (allauth's, approvals, invitations, notifications, digests) is
rendered from three templates, ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and an
optional ``<prefix>_message.html`` (else the text is laid out in the site's HTML email frame),
in French, and handed to django-tasks: the request never waits for the mail server.
"""

import re

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from .links import absolute_url
from .tasks import send_email_message

HTML_FRAME = "core/email/message.html"


def render_templated(template_prefix, context):
    """``(subject, text, html)`` of the message ``template_prefix`` for ``context``."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": absolute_url("/"),
        **context,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        text = render_to_string(f"{template_prefix}_message.txt", context)
        text = re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
        subject = settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        try:
            html = render_to_string(f"{template_prefix}_message.html", context)
        except TemplateDoesNotExist:
            html = render_to_string(HTML_FRAME, {**context, "subject": subject, "text": text})
    return subject, text, html


def send_templated(template_prefix, to, context, headers=None, attachments=()):
    """Render ``template_prefix`` for ``context`` and queue it to ``to`` (an address or a
    list), with ``attachments`` (``[filename, text, mimetype]`` triples). Returns the
    django-tasks result."""
    subject, text, html = render_templated(template_prefix, context)
    extra = {"attachments": [list(item) for item in attachments]} if attachments else {}
    return send_email_message.enqueue(
        subject=subject,
        body=text,
        to=[to] if isinstance(to, str) else list(to),
        alternatives=[[html, "text/html"]],
        headers=headers or None,
        **extra,
    )


class QueuedEmailBackend(BaseEmailBackend):
    """``EMAIL_BACKEND`` of the site: queues every message as a ``send_email_message`` task.

    What the site composes goes through ``send_templated``; this backend catches the rest
    (Wagtail's moderation and comment notifications, Django's error mails), so no request
    waits for the mail server. The task delivers through ``RAA_EMAIL_DELIVERY_BACKEND``.
    Attachments other than text alternatives are not supported (the site sends none).
    """

    def send_messages(self, email_messages):
        for message in email_messages:
            send_email_message.enqueue(
                subject=str(message.subject),
                body=str(message.body),
                to=list(message.to),
                alternatives=[
                    [str(content), mimetype]
                    for content, mimetype in getattr(message, "alternatives", ())
                ],
                headers=dict(message.extra_headers) or None,
                from_email=message.from_email,
                cc=list(message.cc),
                bcc=list(message.bcc),
                reply_to=list(message.reply_to),
            )
        return len(email_messages)
