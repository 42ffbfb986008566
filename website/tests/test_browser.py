"""The site in a real browser: keyboard use, accessibility audit, strict CSP, small screens."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = ["/", "/structures/", "/structures/pessac/", "/blog/", "/recherche/?q=pessac", "/absente/"]


@pytest.fixture
def site_url(live_server):
    call_command("load_demo_content", stdout=StringIO())
    return live_server.url


def test_keyboard_user_reaches_the_content_through_the_skip_link(page, site_url):
    page.goto(site_url + "/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    box = page.locator(".skip-link").bounding_box()
    page.keyboard.press("Enter")

    assert focused == "Aller au contenu"
    assert box["y"] >= 0, "the skip link must be visible when focused"
    assert page.url.endswith("#contenu")


@pytest.mark.parametrize("path", PAGES)
def test_pages_break_no_rule_of_the_strict_content_security_policy(page, site_url, path):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(site_url + path)

    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []


@pytest.mark.parametrize("path", PAGES)
def test_pages_pass_an_axe_accessibility_audit(browser, site_url, path):
    from axe_playwright_python.sync_playwright import Axe

    # axe is injected as a script: the audit alone bypasses the page's policy.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + path)

    results = Axe().run(page)
    context.close()

    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]
    ]
    assert violations == []


@pytest.mark.parametrize("path", ["/", "/structures/"])
def test_pages_reflow_on_a_320_pixel_screen(browser, site_url, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site_url + path)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()

    assert overflow <= 0
