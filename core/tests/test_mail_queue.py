"""Every email is a task: the site's own, allauth's and Wagtail's, delivered by the worker."""

import datetime

import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.admin.mail import send_mail as wagtail_send_mail

QUEUED = {
    "EMAIL_BACKEND": "core.mail.QueuedEmailBackend",
    "RAA_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
}


# serialized_rollback: the flush after this test then leaves the groups to the next
# transactional test's reload instead of recreating them with new ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_allauth_and_wagtail_emails_wait_in_the_database_until_the_worker_sends_them():
    with override_settings(**QUEUED):
        get_adapter().send_mail(
            "account/email/unknown_account",
            "inconnu@exemple.fr",
            {"signup_url": "https://raa.exemple.fr/comptes/signup/"},
        )
        # Wagtail's moderation notifications go through this function.
        wagtail_send_mail(
            "Page soumise à modération",
            "Une page attend votre relecture.",
            ["coordination@exemple.fr"],
            html_message="<p>Une page attend votre relecture.</p>",
        )

        assert mail.outbox == []
        assert DBTaskResult.objects.count() == 2

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "coordination@exemple.fr",
        "inconnu@exemple.fr",
    ]
    wagtail_message = next(m for m in mail.outbox if m.to == ["coordination@exemple.fr"])
    assert wagtail_message.subject == "Page soumise à modération"
    assert wagtail_message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert wagtail_message.alternatives[0][1] == "text/html"
    allauth_message = next(m for m in mail.outbox if m.to == ["inconnu@exemple.fr"])
    assert allauth_message.alternatives[0][1] == "text/html"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_the_mail_server_could_not_take_is_sent_again_later():
    unreachable = {
        **QUEUED,
        "RAA_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": 9,  # nothing listens there: the connection is refused
        "EMAIL_TIMEOUT": 2,
    }
    with override_settings(**unreachable):
        get_adapter().send_mail(
            "account/email/unknown_account",
            "inconnu@exemple.fr",
            {"signup_url": "https://raa.exemple.fr/comptes/signup/"},
        )
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 1
    assert retry.run_after > timezone.now() + datetime.timedelta(seconds=30)
    assert mail.outbox == []

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # a minute later
    with override_settings(**QUEUED):  # the server is back
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [message.to for message in mail.outbox] == [["inconnu@exemple.fr"]]
