"""Account pages (django-allauth in the site's layout) and the coordinators' two-factor gate."""

import base64
import re
from html import unescape
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from members.middleware import CoordinatorTwoFactorMiddleware
from members.models import User

PASSWORD = "mot-de-passe-de-test"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
ACTIVATE_TOTP_URL = "/comptes/2fa/totp/activate/"

# Each page and the English source of its heading (allauth's own strings).
ENTRANCE_PAGES = {
    "/comptes/login/": "Sign In",
    "/comptes/signup/": "Sign Up",
    "/comptes/password/reset/": "Password Reset",
    "/comptes/password/reset/done/": "Password Reset",
    "/comptes/confirm-email/": "Verify Your Email Address",
}
MANAGE_PAGES = {
    "/comptes/email/": "Email Addresses",
    "/comptes/password/change/": "Change Password",
    "/comptes/logout/": "Sign Out",
    "/comptes/2fa/": "Two-Factor Authentication",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts attempts in the cache: every test starts with clean counters."""
    cache.clear()
    yield
    cache.clear()


def french(source):
    """The French the site shows for an English source string, which must be translated."""
    with translation.override("fr"):
        text = translation.gettext(source)
    assert text != source, f"no French for {source!r}"
    return text


def verified_user(email="verifiee@exemple.fr", **extra):
    user = User.objects.create_user(email, PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def coordinator(email="coordination@exemple.fr"):
    user = verified_user(email)
    group, _ = Group.objects.get_or_create(name="Coordination")
    user.groups.add(group)
    return user


def superuser(email="admin@exemple.fr"):
    user = User.objects.create_superuser(email, PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def log_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def is_logged_in(client):
    return "_auth_user_id" in client.session


def unlabelled_inputs(html):
    """Ids of visible form controls that no <label for=...> names."""
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    missing = []
    for control in controls:
        if re.search(r'type="(hidden|submit|button)"', control):
            continue
        control_id = re.search(r'\bid="([^"]+)"', control)
        if control_id is None or control_id.group(1) not in labelled:
            missing.append(control)
    return missing


def assert_in_site_layout(response):
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'aria-label="Menu principal"' in html
    assert 'id="contenu"' in html
    assert not INLINE_SCRIPT.search(html), "inline script found"
    assert " style=" not in html
    assert "<style" not in html
    assert unlabelled_inputs(html) == []
    return html


# Pages in the site's layout, in French


@pytest.mark.parametrize(("path", "heading"), ENTRANCE_PAGES.items())
def test_sign_in_pages_answer_in_french_in_the_site_layout(client, db, path, heading):
    html = assert_in_site_layout(client.get(path))

    assert re.search(rf"<h1>\s*{re.escape(french(heading))}\s*</h1>", unescape(html))
    assert 'class="account-nav"' not in html


@pytest.mark.parametrize(("path", "heading"), MANAGE_PAGES.items())
def test_account_pages_answer_in_french_with_the_account_navigation(client, db, path, heading):
    client.force_login(verified_user())

    html = assert_in_site_layout(client.get(path))

    assert re.search(rf"<h1>\s*{re.escape(french(heading))}\s*</h1>", unescape(html))
    nav = html.split('class="account-nav"')[1].split("</nav>")[0]
    for link in ["/membres/moi/", "/membres/moi/donnees/", "/membres/moi/supprimer/"]:
        assert f'href="{link}"' in nav
    for link in ["/comptes/email/", "/comptes/password/change/", "/comptes/2fa/"]:
        assert f'href="{link}"' in nav
    assert 'href="/comptes/logout/"' in nav
    assert nav.count('aria-current="page"') == 1


def test_page_title_names_the_account_page_and_the_site(client, db):
    html = client.get("/comptes/login/").content.decode()

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert " ".join(unescape(title).split()) == f"{french('Sign In')} · Réseau RAA"


def test_login_form_has_visible_labels_and_marks_required_fields(client, db):
    html = client.get("/comptes/login/").content.decode()

    assert re.search(r'<label class="field__label" for="id_login">\w', html)
    assert re.search(r'<label class="field__label" for="id_password">\w', html)
    assert re.search(r'<input type="email" name="login"[^>]*\brequired\b', html)
    assert 'class="field__required"' in html
    assert 'class="button button--primary" type="submit"' in html


def test_field_errors_are_written_out_and_tied_to_their_input(client, db):
    response = client.post(
        "/comptes/signup/",
        {"email": "pas-une-adresse", "password1": "x", "password2": "y"},
    )

    html = assert_in_site_layout(response)
    assert re.search(r'<ul class="field__errors" id="id_email_error"><li>[^<]+</li>', html)
    email_input = re.search(r'<input type="email" name="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert "id_email_error" in re.search(r'aria-describedby="([^"]+)"', email_input).group(1)
    assert 'id="id_first_name_error"' in html  # required, left empty


def test_wrong_password_gives_a_french_error_in_the_page(client, db):
    user = verified_user()

    response = log_in(client, user.email, "pas-le-bon")

    html = assert_in_site_layout(response)
    assert 'class="form-errors" role="alert"' in html
    assert french("The email address and/or password you specified are not correct.") in unescape(
        html
    )
    assert not is_logged_in(client)


# Sign-up and email verification


def sign_up(client, email="nouvelle@exemple.fr"):
    return client.post(
        "/comptes/signup/",
        {
            "email": email,
            "first_name": "Camille",
            "last_name": "Durand",
            "job_title": "Acheteuse",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )


def confirmation_link(message):
    return re.search(r"https?://[^/\s]+(/comptes/confirm-email/[^\s]+/)", message.body).group(1)


def test_signup_sends_a_verification_email_and_does_not_log_in(client, db):
    response = sign_up(client)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/comptes/confirm-email/"
    assert not is_logged_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle@exemple.fr"]
    assert mail.outbox[0].subject.startswith("[Réseau RAA]")
    assert confirmation_link(mail.outbox[0])
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert (user.first_name, user.last_name) == ("Camille", "Durand")
    assert not EmailAddress.objects.get(user=user).verified


def test_an_unverified_account_cannot_log_in(client, db):
    sign_up(client)
    client.logout()

    response = log_in(client, "nouvelle@exemple.fr", "Un-mot-de-passe-solide-42")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/comptes/confirm-email/"
    assert not is_logged_in(client)


def test_the_verification_link_verifies_the_address_and_logs_in(client, db):
    sign_up(client)
    link = confirmation_link(mail.outbox[0])

    page = client.get(link)
    response = client.post(link)

    assert_in_site_layout(page)
    assert french("Confirm Email Address") in unescape(page.content.decode())
    assert response.status_code == HTTPStatus.FOUND
    assert is_logged_in(client)
    assert EmailAddress.objects.get(email="nouvelle@exemple.fr").verified


def test_a_wrong_verification_key_gives_a_french_page_and_no_login(client, db):
    response = client.get("/comptes/confirm-email/cle-inconnue/")

    html = assert_in_site_layout(response)
    assert french("Confirm Email Address") in unescape(html)
    assert 'method="post"' not in html.split('id="contenu"')[1].split("</main>")[0]
    assert not is_logged_in(client)


# Enumeration, rate limits, redirections


def test_password_reset_does_not_reveal_whether_an_account_exists(client, db):
    known = verified_user()

    for_known = client.post("/comptes/password/reset/", {"email": known.email})
    for_unknown = client.post("/comptes/password/reset/", {"email": "inconnue@exemple.fr"})

    assert for_known.status_code == for_unknown.status_code == HTTPStatus.FOUND
    assert for_known["Location"] == for_unknown["Location"] == "/comptes/password/reset/done/"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "inconnue@exemple.fr",
        known.email,
    ]


def test_password_reset_link_leads_through_its_steps_in_the_site_layout(client, db):
    user = verified_user()
    client.post("/comptes/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+/)", mail.outbox[0].body)

    form_page = client.get(link.group(1), follow=True)  # allauth moves the key to the session
    html = assert_in_site_layout(form_page)
    assert re.search(r'<label class="field__label" for="id_password1">', html)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "Nouveau-mot-de-passe-77", "password2": "Nouveau-mot-de-passe-77"},
    )

    assert response.status_code == HTTPStatus.FOUND
    done = assert_in_site_layout(client.get(response["Location"]))
    assert french("Your password is now changed.") in unescape(done)
    user.refresh_from_db()
    assert user.check_password("Nouveau-mot-de-passe-77")


def test_signup_with_a_taken_address_does_not_reveal_the_account(client, db):
    verified_user("deja@exemple.fr")

    response = sign_up(client, "deja@exemple.fr")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/comptes/confirm-email/"
    assert User.objects.filter(email="deja@exemple.fr").count() == 1


def test_repeated_login_failures_are_refused_in_french_without_error(client, db):
    user = verified_user()

    for _attempt in range(5):
        assert log_in(client, user.email, "pas-le-bon").status_code == HTTPStatus.OK
    response = log_in(client, user.email, PASSWORD)

    html = assert_in_site_layout(response)
    assert french("Too many failed login attempts. Try again later.") in unescape(html)
    assert not is_logged_in(client)


def test_login_failures_from_one_address_on_many_accounts_are_limited_too(client, db):
    for number in range(10):
        log_in(client, f"inconnue{number}@exemple.fr", "pas-le-bon")

    response = log_in(client, "encore@exemple.fr", "pas-le-bon")

    html = assert_in_site_layout(response)
    assert french("Too many failed login attempts. Try again later.") in unescape(html)


def test_login_follows_a_next_on_the_same_site(client, db):
    user = verified_user()

    response = log_in(client, user.email, next="/blog/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/blog/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "https:/\\evil.example/"]
)
def test_login_never_redirects_to_another_site(client, db, target):
    user = verified_user()

    response = log_in(client, user.email, next=target)

    assert response.status_code == HTTPStatus.FOUND
    assert urlsplit(response["Location"]).netloc == ""
    assert "evil.example" not in response["Location"]
    assert is_logged_in(client)


@pytest.mark.parametrize("path", ["/admin/login/", "/_util/login/"])
def test_wagtail_login_urls_send_to_the_site_login_keeping_a_safe_next(client, db, path):
    response = client.get(path, {"next": "/admin/pages/"})

    assert response.status_code == HTTPStatus.FOUND
    location = urlsplit(response["Location"])
    assert location.path == "/comptes/login/"
    assert parse_qs(location.query)["next"] == ["/admin/pages/"]


@pytest.mark.parametrize("path", ["/admin/login/", "/_util/login/"])
def test_wagtail_login_urls_drop_an_off_site_next(client, db, path):
    response = client.get(path, {"next": "https://evil.example/admin/"})

    assert response.status_code == HTTPStatus.FOUND
    location = urlsplit(response["Location"])
    assert location.path == "/comptes/login/"
    assert "evil.example" not in response["Location"]


# Two-factor authentication pages


def test_totp_activation_page_shows_the_qr_code_as_an_inline_svg_image(client, db):
    client.force_login(verified_user())
    client.post("/comptes/reauthenticate/", {"password": PASSWORD})  # allauth asks it first

    response = client.get(ACTIVATE_TOTP_URL)

    html = assert_in_site_layout(response)
    image = re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,([^"]+)"[^>]*>', html)
    assert image, "QR code image missing"
    assert 'alt="' in image.group(0) and 'alt=""' not in image.group(0)
    assert b"<svg" in base64.b64decode(image.group(1))
    assert re.search(
        r'<input type="text" id="authenticator_secret" value="[A-Z2-7]+" readonly', html
    )
    assert re.search(r'<label class="field__label" for="id_code">', html)
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy


def test_mfa_index_offers_to_activate_the_authenticator_app(client, db):
    client.force_login(verified_user())

    html = assert_in_site_layout(client.get("/comptes/2fa/"))

    assert 'class="panel"' in html
    assert f'href="{ACTIVATE_TOTP_URL}"' in html


def test_reauthentication_page_is_in_the_site_layout(client, db):
    client.force_login(verified_user())

    response = client.get(ACTIVATE_TOTP_URL)
    assert response.status_code == HTTPStatus.FOUND
    html = assert_in_site_layout(client.get(response["Location"]))

    assert french("Confirm Access") in unescape(html)


def with_real_authenticators(user):
    """An activated authenticator app and recovery codes, as allauth stores them."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    return user


def test_login_with_an_authenticator_app_asks_for_its_code_in_the_site_layout(client, db):
    user = with_real_authenticators(verified_user())

    response = log_in(client, user.email)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/comptes/2fa/authenticate/"
    html = assert_in_site_layout(client.get(response["Location"]))

    assert french("Two-Factor Authentication") in unescape(html)
    assert re.search(r'<label class="field__label" for="id_code">', html)
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "path",
    [
        "/comptes/2fa/",
        "/comptes/2fa/totp/deactivate/",
        "/comptes/2fa/recovery-codes/",
        "/comptes/2fa/recovery-codes/generate/",
    ],
)
def test_two_factor_management_pages_are_in_the_site_layout(client, db, path):
    client.force_login(with_real_authenticators(verified_user()))
    client.post("/comptes/reauthenticate/", {"password": PASSWORD})

    html = assert_in_site_layout(client.get(path))

    assert 'class="account-nav"' in html


# Coordinators' two-factor gate in front of the admin


@pytest.mark.parametrize("make_coordinator", [coordinator, superuser])
def test_coordinator_without_totp_is_sent_from_the_admin_to_the_activation_page(
    client, settings, db, make_coordinator
):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True
    client.force_login(make_coordinator())

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == ACTIVATE_TOTP_URL
    messages = list(get_messages(response.wsgi_request))
    assert [message.level_tag for message in messages] == ["warning"]


def test_coordinator_without_totp_is_sent_from_any_admin_page(client, settings, db):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True
    client.force_login(superuser())

    response = client.get("/admin/pages/")

    assert response["Location"] == ACTIVATE_TOTP_URL


def test_coordinator_without_totp_can_still_log_out_of_the_admin(client, settings, db):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True
    client.force_login(superuser())

    response = client.post("/admin/logout/")

    assert response.get("Location") != ACTIVATE_TOTP_URL
    assert not is_logged_in(client)


def test_coordinator_with_totp_reaches_the_admin(client, settings, db):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True
    client.force_login(with_totp(superuser()))

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.OK


def test_coordinator_without_totp_still_reaches_the_rest_of_the_site(client, settings, db):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True
    client.force_login(superuser())

    assert client.get("/comptes/email/").status_code == HTTPStatus.OK
    assert client.get("/comptes/2fa/").status_code == HTTPStatus.OK


def test_non_coordinators_are_not_sent_to_the_activation_page(client, settings, db):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True
    client.force_login(verified_user())

    response = client.get("/admin/")

    assert response.get("Location") != ACTIVATE_TOTP_URL


def test_anonymous_visitors_of_the_admin_go_to_the_login_page(client, settings, db):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert urlsplit(response["Location"]).path == "/comptes/login/"


def test_without_the_setting_nobody_is_sent_to_the_activation_page(client, settings, db):
    settings.RAA_COORDINATOR_MFA_REQUIRED = False
    client.force_login(superuser())

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.OK


def test_the_gate_runs_no_query_for_anonymous_visitors_or_outside_the_admin(
    rf, settings, db, django_assert_num_queries
):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True
    middleware = CoordinatorTwoFactorMiddleware(lambda request: HttpResponse("ok"))
    anonymous = rf.get("/admin/")
    anonymous.user = AnonymousUser()
    outside = rf.get("/blog/")
    outside.user = object()  # any attribute access would fail: the user is never looked at

    with django_assert_num_queries(0):
        assert middleware(anonymous).status_code == HTTPStatus.OK
        assert middleware(outside).status_code == HTTPStatus.OK
