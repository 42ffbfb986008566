"""A structure's referent updates the action plan in the real admin, in a real browser."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from knowledge.models import StructurePage
from knowledge.vocabularies import ActionStatus
from members.models import Membership, StructureTeam, User
from members.tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def pessac_referent(live_server):
    """The demo site, and Pessac's staff referent logged in; the team publishes directly."""
    call_command("load_demo_content", stdout=StringIO())
    pessac = StructurePage.objects.get(slug="pessac")
    referent = UserFactory(status=User.Status.APPROVED, first_name="Dominique")
    Membership.objects.create(user=referent, structure=pessac, role=Membership.Role.STAFF_REFERENT)
    team = StructureTeam.objects.get(structure=pessac)
    team.direct_publishing = True
    team.save()
    return referent, pessac, live_server.url


def log_in(browser_page, user, site_url):
    client = Client()
    client.force_login(user)
    browser_page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site_url,
            }
        ]
    )


def open_action_plan_tab(browser_page, structure, site_url):
    browser_page.goto(f"{site_url}/admin/pages/{structure.pk}/edit/")
    browser_page.get_by_role("tab", name="Plan d'actions").click()


def publish(browser_page):
    # "Publish" sits in the save button's menu; the menu's toggle is not what we test.
    with browser_page.expect_navigation():
        browser_page.evaluate("document.querySelector('button[name=action-publish]').click()")


def test_a_referent_updates_progress_and_the_page_and_dashboard_show_it(page, pessac_referent):
    referent, pessac, site_url = pessac_referent
    action = pessac.actions.order_by("sort_order").first()
    log_in(page, referent, site_url)

    open_action_plan_tab(page, pessac, site_url)
    page.fill('input[name="actions-0-progress"]', "85")
    publish(page)

    pessac = StructurePage.objects.get(pk=pessac.pk)
    assert pessac.actions.get(title=action.title).progress == 85
    page.goto(f"{site_url}/structures/pessac/")
    row = page.locator("tr", has_text=action.title)
    assert "85" in row.inner_text()
    plan = [a for a in pessac.actions.all() if a.status != ActionStatus.ABANDONED]
    average = round(sum(a.progress for a in plan) / len(plan))
    page.goto(f"{site_url}/structures/tableau-de-bord/")
    completion = page.locator("table", has_text="Pessac").filter(has_text="Abandonnées")
    pessac_row = completion.locator("tr", has_text="Pessac").inner_text()
    assert re.search(rf"\b{average}\s%", pessac_row), pessac_row


def test_a_due_date_before_the_start_is_refused_in_french_in_the_editor(page, pessac_referent):
    referent, pessac, site_url = pessac_referent
    before = list(pessac.actions.values_list("due_date", flat=True))
    log_in(page, referent, site_url)

    open_action_plan_tab(page, pessac, site_url)
    page.fill('input[name="actions-0-start_date"]', "2010-09-01")
    page.fill('input[name="actions-0-due_date"]', "2010-03-01")
    publish(page)

    assert "La date d'échéance ne peut pas précéder la date de début." in page.content()
    assert list(pessac.actions.values_list("due_date", flat=True)) == before


AUDITED = [
    "/structures/tableau-de-bord/",
    "/structures/?contexte=rural&secteur=energie",
    "/structures/?type=inconnu",
    "/structures/grand-dax/",
]


@pytest.mark.parametrize("path", AUDITED)
def test_member_pages_pass_an_axe_audit_under_the_strict_policy(browser, pessac_referent, path):
    from axe_playwright_python.sync_playwright import Axe

    referent, _, site_url = pessac_referent
    strict = browser.new_context()
    strict_page = strict.new_page()
    log_in(strict_page, referent, site_url)
    errors = []
    strict_page.on(
        "console", lambda message: message.type == "error" and errors.append(message.text)
    )
    strict_page.goto(site_url + path)
    strict.close()
    # axe is injected as a script: the audit alone bypasses the page's policy.
    audit = browser.new_context(bypass_csp=True)
    audit_page = audit.new_page()
    log_in(audit_page, referent, site_url)
    audit_page.goto(site_url + path)
    results = Axe().run(audit_page)
    audit.close()

    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []
    violations = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
    ]
    assert violations == []
