"""The mentions' autocomplete in Chromium, against the demo server: a member types "@" and a
name in a comment, the matching members show in a listbox they reach with the keyboard, and
the text area is a plain one without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from website.tests.browser import axe_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

POST = "/blog/resultats-appel-a-candidatures/"


@pytest.fixture
def member_page(browser, demo_server):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, demo_server, "member")
    yield page
    context.close()


def test_a_member_picks_a_member_to_mention_with_the_keyboard(member_page, demo_server):
    page = member_page
    csp_errors = watch_csp(page)
    page.goto(demo_server.url + POST)
    text = page.locator("#id_comment")
    listbox = page.get_by_role("listbox", name="Membres à mentionner")

    text.click()
    text.press_sequentially("Bonjour @dom", delay=30)

    expect(listbox).to_be_visible()
    option = listbox.get_by_role("option", name=re.compile("Dominique Référent Pessac"))
    expect(option).to_be_visible()
    expect(text).to_have_attribute("aria-autocomplete", "list")
    expect(text).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    expect(page.get_by_role("status").filter(has_text="membre")).to_have_text(
        re.compile(r"^1 membre trouvé")
    )
    expect(text).not_to_have_attribute("aria-activedescendant", re.compile("."))

    text.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(text).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    expect(text).to_be_focused()
    text.press("Enter")

    expect(text).to_have_value("Bonjour @[Dominique Référent Pessac] ")
    expect(listbox).to_be_hidden()

    text.press_sequentially("et @cam", delay=30)
    expect(listbox.get_by_role("option", name=re.compile("Camille Coordination"))).to_be_visible()
    text.press("Escape")
    expect(listbox).to_be_hidden()
    text.press("Enter")  # closed: Enter is a new line again
    expect(text).to_have_value("Bonjour @[Dominique Référent Pessac] et @cam\n")
    assert csp_errors == []


def test_the_open_list_passes_an_axe_audit(browser, demo_server):
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    log_in(page, demo_server, "member")
    page.goto(demo_server.url + POST)
    page.locator("#id_comment").press_sequentially("@c", delay=30)
    expect(page.get_by_role("listbox")).to_be_visible()
    page.locator("#id_comment").press("ArrowDown")

    violations = axe_violations(page)
    context.close()
    assert violations == []


def test_without_javascript_the_text_area_is_unchanged(browser, demo_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, demo_server, "member")
    page.goto(demo_server.url + POST)
    text = page.locator("#id_comment")

    text.press_sequentially("Bonjour @[Camille Coordination]")

    expect(text).to_have_value("Bonjour @[Camille Coordination]")
    assert text.get_attribute("aria-controls") is None
    assert page.get_by_role("listbox").count() == 0
    context.close()
