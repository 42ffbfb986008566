"""The trash in a real browser: the coordinator deletes a post in the Wagtail admin, it leaves
the site, and the Corbeille (under the admin's policy, passing axe) puts it back."""

import re

import pytest

from website.tests.browser import axe_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PROTECTED = "/blog/resultats-appel-a-candidatures/"  # other browser tests read this one


def test_a_coordinator_deletes_a_post_and_restores_it_from_the_trash(browser, demo_server):
    context = browser.new_context()
    page = context.new_page()
    csp_errors = watch_csp(page)
    log_in(page, demo_server, "coordinator")
    page.goto(demo_server.url + "/blog/")
    links = page.locator("main article h2 a, main article h3 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    path = next(href for href in hrefs if href.startswith("/blog/") and href != PROTECTED)
    page.goto(demo_server.url + path)
    title = page.locator("main h1").first.inner_text().strip()
    edit = page.locator("a[href$='/edit/'][href*='/admin/pages/']").first.get_attribute("href")
    page_id = re.search(r"/admin/pages/(\d+)/edit/", edit).group(1)

    page.goto(f"{demo_server.url}/admin/pages/{page_id}/delete/")
    with page.expect_navigation():
        page.get_by_role("button", name="Mettre à la corbeille").click()
    assert "a été mise à la corbeille" in page.content()
    visitor = browser.new_context().new_page()
    assert visitor.goto(demo_server.url + path).status == 404

    page.goto(demo_server.url + "/admin/corbeille/")
    assert page.get_by_role("heading", name="Corbeille").is_visible()
    assert axe_violations(page) == []
    row = page.locator("tr", has_text=title)
    with page.expect_navigation():
        row.get_by_role("link", name="Restaurer").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Restaurer").click()

    assert "est de retour à sa place" in page.content()
    assert visitor.goto(demo_server.url + path).status == 200
    enforced = [error for error in csp_errors if "[Report Only]" not in error]
    assert enforced == []
    context.close()
