"""Background work of the members app (django-tasks: immediate locally, a worker in production)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task


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
):
    """Send one email through the delivery backend (SMTP, console...); arguments are plain
    data so any task backend can store them."""
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
    message.send()
