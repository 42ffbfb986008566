"""Background work of the members app (django-tasks: immediate locally, a worker in production)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email_message(subject, body, to, alternatives=(), headers=None):
    """Send one email; arguments are plain data so any task backend can store them."""
    message = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers or None
    )
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()
