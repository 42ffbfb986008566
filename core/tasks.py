"""Background work of the members app (django-tasks: immediate locally, a worker in production)."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

# A message the mail server refused or could not take is tried again after these delays
# (seconds); after the last one the task fails and stays in the database with its error.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600)


@task()
def send_email_message(
    subject,
    body,
    to,
    alternatives=(),
    headers=None,
    from_email=None,
    cc=None,
    bcc=None,
    reply_to=None,
    attempt=0,
    attachments=(),
):
    """Send one email through the delivery backend (SMTP, console...); arguments are plain
    data so any task backend can store them (``attachments``: ``[filename, text, mimetype]``
    triples, text files such as an event's ``.ics``). A failed delivery is queued again, later, when
    the task backend can defer (the database backend of production)."""
    message = EmailMultiAlternatives(
        subject,
        body,
        from_email or settings.DEFAULT_FROM_EMAIL,
        to,
        bcc=bcc or None,
        cc=cc or None,
        reply_to=reply_to or None,
        headers=headers or None,
        connection=get_connection(settings.RAA_EMAIL_DELIVERY_BACKEND),
    )
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= len(RETRY_DELAYS) or not default_task_backend.supports_defer:
            raise
        delay = RETRY_DELAYS[attempt]
        logger.warning("Email to %s not sent (%s): tried again in %s s", to, error, delay)
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        send_email_message.using(run_after=run_after).enqueue(
            subject,
            body,
            to,
            alternatives=alternatives,
            headers=headers,
            from_email=from_email,
            cc=cc,
            bcc=bcc,
            reply_to=reply_to,
            attempt=attempt + 1,
            attachments=attachments,
        )
