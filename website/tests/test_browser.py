"""The site in a real browser, as each role reads it: one check per page type (the strict
Content-Security-Policy, an axe-core audit, reflow at 320 px), then what people do with their
keyboard and in the admin. All against the demo site served by its own process
(``website/tests/browser.py``)."""

import re

import pytest

from website.tests.browser import (
    axe_violations,
    log_in,
    open_action_plan,
    overflow,
    publish,
    watch_csp,
)

# One xdist worker runs them all: the demo server is built once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# (who reads, the address): every page type of the site once.
PAGES = [
    ("visitor", "/"),
    ("visitor", "/blog/"),
    ("visitor", "/blog/resultats-appel-a-candidatures/"),
    ("visitor", "/blog/categorie/vie-du-reseau/"),
    ("visitor", "/structures/"),
    ("visitor", "/structures/?contexte=rural&secteur=energie"),
    ("visitor", "/structures/?type=inconnu"),
    ("visitor", "/structures/pessac/"),
    ("visitor", "/ressources/"),
    ("visitor", "/ressources/?type=guide-entretien&theme=inconnu"),
    ("visitor", "/ressources/liste-indicative-documents-cles/"),
    ("visitor", "/enseignements/"),
    ("visitor", "/enseignements/?theme=sourcing&dimension=social&theme=inconnu"),
    ("visitor", "/enseignements/cout-global-vehicules/"),
    ("visitor", "/agenda/"),
    ("visitor", "/agenda/reunion-inter-structures-de-bilan-exemple/"),
    ("visitor", "/recherche/?q=pessac"),
    ("visitor", "/recherche/"),
    ("visitor", "/recherche/?q=achat&kind=lesson&kind=inconnu&theme=inconnu&page=99"),
    ("member", "/recherche/?q=diagnostic"),
    ("visitor", "/accessibilite/"),
    ("visitor", "/absente/"),
    ("visitor", "/comptes/login/"),
    ("visitor", "/comptes/signup/"),
    ("visitor", "/comptes/password/reset/"),
    ("member", "/structures/tableau-de-bord/"),
    ("member", "/structures/grand-dax/"),
    ("member", "/espace-membres/"),
    ("member", "/membres/"),
    ("member", "/membres/moi/"),
    ("member", "/membres/moi/abonnements/"),
    ("member", "/comptes/email/"),
    ("member", "/comptes/2fa/"),
    ("member", "/comptes/password/change/"),
    ("referent", "/membres/inviter/"),
]


@pytest.fixture(scope="module")
def sessions(browser, demo_server):
    """A logged-in browser state per role, made once: ``{role: storage state or None}``."""
    states = {"visitor": None}
    for role in ("member", "referent", "coordinator"):
        context = browser.new_context()
        page = context.new_page()
        log_in(page, demo_server, role)
        states[role] = context.storage_state()
        context.close()
    return states


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_each_page_keeps_to_the_policy_passes_axe_and_reflows(
    browser, demo_server, sessions, role, path
):
    context = browser.new_context(
        storage_state=sessions[role], viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    csp_errors = watch_csp(page)
    page.goto(demo_server.url + path)
    page.wait_for_load_state("load")
    reflow = overflow(page)
    policy_errors = list(csp_errors)
    # At a desktop's width. axe goes in through Playwright's evaluate, which the page's policy
    # does not govern: one page load serves both checks.
    page.set_viewport_size({"width": 1280, "height": 720})
    violations = axe_violations(page)
    context.close()

    assert policy_errors == []
    assert reflow == 0
    assert violations == []


def test_keyboard_user_reaches_the_content_through_the_skip_link(page, demo_server):
    page.goto(demo_server.url + "/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    box = page.locator(".skip-link").bounding_box()
    page.keyboard.press("Enter")

    assert focused == "Aller au contenu"
    assert box["y"] >= 0, "the skip link must be visible when focused"
    assert page.url.endswith("#contenu")


def test_signup_errors_pass_an_axe_audit(browser, demo_server):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(demo_server.url + "/comptes/signup/")
    page.locator("#id_email").fill("pas-une-adresse@")
    page.locator("form.form").evaluate("form => form.noValidate = true")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector(".field__errors")

    violations = axe_violations(page)
    context.close()

    assert violations == []


def test_totp_activation_shows_its_qr_code_under_the_strict_policy(browser, demo_server):
    context = browser.new_context()
    page = context.new_page()
    csp_errors = watch_csp(page)
    log_in(page, demo_server, "member")
    page.goto(demo_server.url + "/comptes/2fa/totp/activate/")
    page.locator("#id_password").fill("demo-membre")  # allauth asks to reauthenticate first
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()

    qr_width = page.evaluate("document.querySelector('img.qr-code').naturalWidth")
    secret = page.locator("#authenticator_secret").input_value()
    context.close()

    assert qr_width > 0, "the QR code image did not load"
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    assert csp_errors == []


# Pessac's staff referent in the real Wagtail admin (the demo gives Pessac direct publishing).


def plan_rows(page, demo_server):
    """``[(progress, status)]`` of Pessac's actions, read from its public page."""
    page.goto(demo_server.url + "/structures/pessac/")
    rows = page.locator("table.action-plan tbody tr")
    found = []
    for i in range(rows.count()):
        row = rows.nth(i)
        status = row.locator(".status").get_attribute("class").split("status--")[1]
        progress = int(row.locator("progress").get_attribute("value"))
        found.append((progress, status))
    return found


def test_a_due_date_before_the_start_is_refused_in_french_in_the_editor(page, demo_server):
    log_in(page, demo_server, "referent")
    open_action_plan(page, demo_server)
    page.fill('input[name="actions-0-start_date"]', "2010-09-01")
    page.fill('input[name="actions-0-due_date"]', "2010-03-01")
    publish(page)

    assert "La date d'échéance ne peut pas précéder la date de début." in page.content()


def test_a_referent_updates_progress_and_the_page_and_dashboard_show_it(page, demo_server):
    log_in(page, demo_server, "referent")
    open_action_plan(page, demo_server)
    page.fill('input[name="actions-0-progress"]', "85")
    publish(page)

    rows = plan_rows(page, demo_server)
    assert rows[0][0] == 85
    counted = [progress for progress, status in rows if status != "abandonnee"]
    average = round(sum(counted) / len(counted) + 1e-9)
    page.goto(demo_server.url + "/structures/tableau-de-bord/")
    completion = page.locator("table", has_text="Pessac").filter(has_text="Abandonnées")
    pessac_row = completion.locator("tr", has_text="Pessac").inner_text()
    assert re.search(rf"\b{average}\s%", pessac_row), pessac_row


def test_the_admin_works_under_its_policy_and_reports_what_the_strict_one_would_block(
    page, demo_server
):
    csp_errors = watch_csp(page)
    log_in(page, demo_server, "coordinator")
    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/account/"):
        page.goto(demo_server.url + path)
    open_action_plan(page, demo_server)
    page.get_by_role("tab", name="Plan d'actions").wait_for()

    enforced = [error for error in csp_errors if "[Report Only]" not in error]
    assert enforced == []
    assert page.locator("img[src*='gravatar']").count() == 0


@pytest.mark.parametrize("role", ["member", "referent", "coordinator"])
def test_the_logged_in_header_holds_one_line_on_a_desktop_and_wraps_on_a_phone(
    browser, demo_server, sessions, role
):
    heights = {}
    for width in (1280, 375):
        context = browser.new_context(
            storage_state=sessions[role], viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.goto(demo_server.url + "/espace-membres/")
        brand = page.locator(".site-brand").bounding_box()
        links = page.locator(".account-links").bounding_box()
        search = page.locator(".site-search").bounding_box()
        button = page.locator(".site-search button").bounding_box()
        heights[width] = page.locator(".site-header__inner").bounding_box()["height"]
        reflow = overflow(page)
        context.close()

        assert reflow == 0
        if width == 1280:  # brand, account links and search side by side
            assert links["y"] < brand["y"] + brand["height"]
            assert search["y"] < brand["y"] + brand["height"]
        else:  # stacked, the search button beside its field
            assert search["y"] >= links["y"] + links["height"]
            assert button["y"] < search["y"] + search["height"] / 2
    assert heights[1280] < heights[375]
