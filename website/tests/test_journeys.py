"""The five user journeys of the site, end to end in Chromium against the demo server, with its
outgoing emails read from the files it writes (``DemoServer.emails``):

1. a visitor browses the home page, the blog, a structure, a lesson, and searches;
2. a newcomer signs up, confirms their address from the email, is approved by the coordinator
   in the admin, logs in, comments, and hears by email of a member's reply;
3. Pessac's referent updates an action's progress and submits a post with an image; the
   coordinator previews and approves it; a member who follows Pessac is emailed;
4. the coordinator publishes a members-only resource with a file: a member downloads it, a
   visitor cannot;
5. the coordinator deletes a structure's post and restores it from the Corbeille.

A failing journey leaves a screenshot of every page it opened in the test's output folder
(pytest-playwright's ``--output``, ``test-results/`` by default).
"""

import re
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from website.tests.browser import (
    editor_messages,
    log_in,
    open_action_plan,
    publish,
    submit_for_moderation,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def open_page(browser, demo_server, request, output_path):
    """``open_page(role=None)``: a page in a browser context of its own, logged in as one of the
    demo accounts (or a visitor). When the test fails, each page opened this way is saved as a
    screenshot in the test's output folder."""
    contexts = []

    def open_page(role=None):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        if role:
            log_in(page, demo_server, role)
        return page

    yield open_page
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        folder = Path(output_path)
        folder.mkdir(parents=True, exist_ok=True)
        for number, context in enumerate(contexts, 1):
            for index, page in enumerate(context.pages, 1):
                try:
                    page.screenshot(path=folder / f"page-{number}-{index}.png", full_page=True)
                except Exception as error:  # noqa: BLE001 - a screenshot must not hide the failure
                    print(f"No screenshot of {page.url}: {error}")
    for context in contexts:
        context.close()


def text_of(email):
    """An email's plain text (the text part of a multipart one)."""
    return email.get_body(preferencelist=("plain",)).get_content()


def links_in(email):
    """The addresses in an email's text."""
    return re.findall(r"https?://[^\s>]+", text_of(email))


def png():
    """A small PNG image, made here."""
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (640, 360), (30, 110, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def admin_id(page):
    """The id of the page shown, from the "edit" link of Wagtail's user bar."""
    edit = page.locator("a[href$='/edit/'][href*='/admin/pages/']").first.get_attribute("href")
    return re.search(r"/admin/pages/(\d+)/edit/", edit).group(1)


def test_a_visitor_browses_and_searches(open_page, demo_server):
    page = open_page()
    page.goto(demo_server.url + "/")
    assert page.locator("main h1").first.is_visible()

    with page.expect_navigation():
        page.locator("nav.main-menu").get_by_role("link", name="Blog", exact=True).click()
    assert page.url == demo_server.url + "/blog/"
    with page.expect_navigation():
        page.locator("main article h2 a, main article h3 a").first.click()
    assert re.search(r"/blog/[\w-]+/$", page.url)
    assert page.locator("main h1").first.inner_text().strip()

    with page.expect_navigation():
        page.locator("nav.main-menu a[href='/structures/']").click()
    with page.expect_navigation():
        page.locator(".card__title").get_by_role("link", name="Pessac", exact=True).click()
    assert page.url == demo_server.url + "/structures/pessac/"
    assert page.locator("table.action-plan").is_visible()

    with page.expect_navigation():
        page.locator("nav.main-menu a[href='/enseignements/']").click()
    with page.expect_navigation():
        page.locator(".card__title a").first.click()
    assert re.search(r"/enseignements/[\w-]+/$", page.url)

    # The header's search form, a French word in the plural with its accent.
    page.locator(".site-search input[type=search]").fill("véhicules")
    with page.expect_navigation():
        page.locator(".site-search input[type=search]").press("Enter")
    assert "/recherche/" in page.url
    heading = page.locator("#results-title").inner_text()
    total = int(re.match(r"(\d+) résultats? pour « véhicules »", heading).group(1))
    assert total > 1
    assert page.locator(".search-result__snippet mark").count() > 0
    lesson = page.locator(".search-facets input[name=kind][value=lesson]")
    facet_count = int(re.search(r"\((\d+)\)", lesson.locator("xpath=..").inner_text()).group(1))
    assert 0 < facet_count < total

    lesson.check()
    with page.expect_navigation():
        page.locator(".search-facets").get_by_role("button", name="Appliquer les filtres").click()
    assert "kind=lesson" in page.url
    assert page.locator("#results-title").inner_text().startswith(f"{facet_count} résultat")
    assert page.locator(".search-facets input[name=kind][value=lesson]").is_checked()
    results = page.locator(".search-result")
    assert results.count() == facet_count
    for i in range(results.count()):
        assert "/enseignements/" in results.nth(i).locator("a").first.get_attribute("href")


def test_a_newcomer_signs_up_is_approved_comments_and_hears_of_a_reply(open_page, demo_server):
    address, password = "nouvelle.arrivante@exemple.fr", "un-mot-de-passe-solide-42"
    newcomer = open_page()
    newcomer.goto(demo_server.url + "/comptes/signup/")
    newcomer.fill("#id_email", address)
    newcomer.fill("#id_first_name", "Nina")
    newcomer.fill("#id_last_name", "Arrivante")
    newcomer.fill("#id_job_title", "Acheteuse publique")
    newcomer.fill("#id_password1", password)
    newcomer.fill("#id_password2", password)
    with newcomer.expect_navigation():
        newcomer.locator("#id_password2").press("Enter")
    assert "/comptes/confirm-email/" in newcomer.url

    (confirmation,) = demo_server.emails(to=address)
    link = next(url for url in links_in(confirmation) if "/comptes/confirm-email/" in url)
    newcomer.goto(link)
    with newcomer.expect_navigation():
        newcomer.locator("main form button[type=submit]").click()
    awaiting = "Votre compte attend l'approbation de la coordination"
    assert newcomer.get_by_role("heading", name=awaiting).is_visible()
    pending = newcomer.goto(demo_server.url + "/espace-membres/")
    assert pending.status == 403

    coordinator = open_page("coordinator")
    coordinator.goto(demo_server.url + "/admin/")
    with coordinator.expect_navigation():
        coordinator.goto(demo_server.url + "/admin/inscriptions/")
    row = coordinator.locator("tr", has_text=address)
    with coordinator.expect_navigation():
        row.get_by_role("button", name="Approuver").click()
    assert coordinator.locator("tr", has_text=address).count() == 0
    assert any("Votre compte est validé" in m["Subject"] for m in demo_server.emails(to=address))

    # A fresh browser: the newcomer logs in with the new account.
    newcomer = open_page()
    newcomer.goto(demo_server.url + "/comptes/login/")
    newcomer.fill("#id_login", address)
    newcomer.fill("#id_password", password)
    with newcomer.expect_navigation():
        newcomer.locator("#id_password").press("Enter")
    post = demo_server.url + "/blog/quatre-jours-accompagnement/"
    newcomer.goto(post)
    newcomer.locator("form.comment-form textarea").fill("Merci pour ce compte rendu très clair !")
    with newcomer.expect_navigation():
        newcomer.locator("form.comment-form button[type=submit]").click()
    comment = newcomer.locator("article.comment", has_text="Merci pour ce compte rendu très clair")
    assert comment.locator(".comment__author").inner_text() == "Nina Arrivante"

    member = open_page("member")
    member.goto(post)
    mine = member.locator("article.comment", has_text="Merci pour ce compte rendu très clair")
    with member.expect_navigation():
        mine.get_by_role("link", name="Répondre").click()
    member.locator("form.comment-form textarea").fill("Avec plaisir, à bientôt au comité.")
    with member.expect_navigation():
        member.locator("form.comment-form button[type=submit]").click()
    assert member.locator(".comment-list--replies", has_text="Avec plaisir").is_visible()

    notices = [m for m in demo_server.emails(to=address) if "Avec plaisir" in text_of(m)]
    assert len(notices) == 1
    reading = newcomer.context.new_page()  # the link, as opened from a mail client
    link = next(url for url in links_in(notices[0]) if "/blog/" in url)
    reading.goto(link)
    anchor = link.rsplit("#", 1)[1]  # the reply itself
    assert reading.locator(
        f".comment-list--replies #{anchor}", has_text="Avec plaisir"
    ).is_visible()


def test_a_referent_reports_progress_and_a_moderated_post_reaches_a_follower(
    open_page, demo_server
):
    member = open_page("member")
    member.goto(demo_server.url + "/structures/pessac/")
    follow = member.locator("form.follow-form")
    follow.locator("select").select_option("instant")
    with member.expect_navigation():
        follow.get_by_role("button").click()
    assert "Vous suivez" in member.locator("form.follow-form").inner_text()

    referent = open_page("referent")
    open_action_plan(referent, demo_server)
    referent.fill('input[name="actions-1-progress"]', "65")
    publish(referent)
    referent.goto(demo_server.url + "/structures/pessac/")
    progress = referent.locator("table.action-plan tbody tr").nth(1).locator("progress")
    assert progress.get_attribute("value") == "65"

    title = "Pessac passe sa flotte de véhicules à l'électrique"
    referent.goto(demo_server.url + "/blog/")
    add = referent.locator("a[href$='/add_subpage/'][href*='/admin/pages/']").first
    referent.goto(urljoin(referent.url, add.get_attribute("href")))
    referent.fill("#id_title", title)
    referent.fill("#id_summary", "Trois véhicules électriques remplacent les plus anciens.")
    referent.fill("#id_body", "Le coût global a emporté la décision du bureau municipal.")
    referent.get_by_role("button", name="Choisir une image").click()
    modal = referent.locator(".modal-content")
    modal.get_by_role("tab", name="Transférer").click()
    modal.locator("#id_image-chooser-upload-title").fill("Véhicule électrique")
    modal.locator("#id_image-chooser-upload-file").set_input_files(
        files=[{"name": "vehicule.png", "mimeType": "image/png", "buffer": png()}]
    )
    modal.locator("#id_image-chooser-upload-description").fill("Un véhicule électrique")
    modal.get_by_role("button", name="Transférer").click()
    modal.wait_for(state="detached")
    expect(referent.locator("#id_cover_image")).not_to_have_value("")
    referent.get_by_role("button", name="Choisissez une page (Structure)").click()
    modal.get_by_role("link", name="Pessac", exact=True).click()
    modal.wait_for(state="detached")
    expect(referent.locator("#id_structure")).not_to_have_value("")
    slug = referent.locator("#id_slug").input_value()
    assert slug
    submit_for_moderation(referent)
    assert "soumise pour modération" in editor_messages(referent)
    slug_url = f"{demo_server.url}/blog/{slug}/"
    assert open_page().goto(slug_url).status == 404  # not published yet

    coordinator = open_page("coordinator")
    (review,) = [m for m in demo_server.emails(to="coordination@exemple.fr") if title in text_of(m)]
    preview = next(url for url in links_in(review) if "/workflow/preview/" in url)
    coordinator.goto(preview)
    assert coordinator.locator("h1").first.inner_text().strip() == title
    assert "/media/images/vehicule" in coordinator.locator(".post__cover img").get_attribute("src")
    coordinator.goto(demo_server.url + "/admin/")
    row = coordinator.locator("#awaiting-review-section tr", has_text=title)
    row.locator(".w-dropdown__toggle").click()  # the actions' menu
    with coordinator.expect_navigation():
        row.get_by_role("button", name="Approuver", exact=True).click()

    visitor = open_page()
    assert visitor.goto(slug_url).status == 200
    # The cover is decorative beside the title (alt=""); its rendition is on disk.
    cover = visitor.locator(".post__cover img").get_attribute("src")
    assert "/media/images/vehicule" in cover
    assert (demo_server.media / cover.split("/media/", 1)[1]).is_file()
    notices = [
        m
        for m in demo_server.emails(to="membre@exemple.fr")
        if title in str(m["Subject"]) or title in text_of(m)
    ]
    assert len(notices) == 1
    reading = member.context.new_page()  # the follower opens the email's link
    reading.goto(next(url for url in links_in(notices[0]) if "/blog/" in url))
    assert reading.locator("main h1").first.inner_text().strip() == title


def test_a_members_only_resource_is_downloaded_by_a_member_not_by_a_visitor(open_page, demo_server):
    coordinator = open_page("coordinator")
    coordinator.goto(demo_server.url + "/ressources/")
    index_id = admin_id(coordinator)
    coordinator.goto(f"{demo_server.url}/admin/pages/{index_id}/add_subpage/")
    coordinator.fill("#id_title", "Modèle de délibération achats responsables")
    coordinator.locator("#id_kind").select_option(label="modèle ou clause type")
    coordinator.locator("#id_audience").select_option(label="les membres du réseau")
    coordinator.fill("#id_summary", "Un modèle de délibération à adapter.")
    coordinator.locator("#id_files-ADD").click()
    coordinator.fill("#id_files-0-label", "Modèle de délibération")
    coordinator.locator("#id_files-0-document-chooser .chooser__choose-button").click()
    modal = coordinator.locator(".modal-content")
    modal.get_by_role("tab", name="Transférer").click()
    modal.locator("#id_document-chooser-upload-title").fill("Modèle de délibération")
    modal.locator("#id_document-chooser-upload-file").set_input_files(
        files=[{"name": "deliberation.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    modal.get_by_role("button", name="Transférer").click()
    modal.wait_for(state="detached")
    slug = coordinator.locator("#id_slug").input_value()
    publish(coordinator)
    assert "publiée" in editor_messages(coordinator)

    url = f"{demo_server.url}/ressources/{slug}/"
    member = open_page("member")
    member.goto(url)
    link = member.locator(".resource-file__current a")
    file_url = urljoin(url, link.get_attribute("href"))
    download = member.context.request.get(file_url)  # what the link gives, with the session
    assert download.status == 200
    assert download.body() == PDF

    visitor = open_page()
    answer = visitor.goto(url)
    assert answer.status == 403 or "/comptes/login/" in visitor.url
    answer = visitor.goto(file_url)
    assert answer.status == 403 or "/comptes/login/" in visitor.url
    visitor.goto(demo_server.url + "/ressources/")
    assert "Modèle de délibération" not in visitor.locator("main").inner_text()


def test_a_coordinator_deletes_a_structures_post_and_restores_it_from_the_trash(
    open_page, demo_server
):
    path = "/blog/pessac-analyse-documentaire/"
    coordinator = open_page("coordinator")
    coordinator.goto(demo_server.url + path)
    title = coordinator.locator("main h1").first.inner_text().strip()
    comments = coordinator.locator("article.comment").count()
    page_id = admin_id(coordinator)
    coordinator.goto(f"{demo_server.url}/admin/pages/{page_id}/")  # the blog in the explorer
    coordinator.goto(f"{demo_server.url}/admin/pages/{page_id}/delete/")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Mettre à la corbeille").click()
    visitor = open_page()
    assert visitor.goto(demo_server.url + path).status == 404
    visitor.goto(demo_server.url + "/blog/structure/pessac/")
    assert title not in visitor.locator("main").inner_text()

    coordinator.goto(demo_server.url + "/admin/")
    with coordinator.expect_navigation():
        coordinator.goto(demo_server.url + "/admin/corbeille/")
    row = coordinator.locator("tr", has_text=title)
    assert "Camille" in row.inner_text()  # who deleted it
    with coordinator.expect_navigation():
        row.get_by_role("link", name="Restaurer").click()
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Restaurer").click()
    assert "est de retour à sa place" in coordinator.locator(".messages").inner_text()

    assert visitor.goto(demo_server.url + path).status == 200
    assert visitor.locator("main h1").first.inner_text().strip() == title
    assert visitor.locator("article.comment").count() == comments
    visitor.goto(demo_server.url + "/blog/structure/pessac/")
    assert title in visitor.locator("main").inner_text()
