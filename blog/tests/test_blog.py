import datetime
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import BlogPostPage
from blog.tests.factories import BlogCategoryFactory, BlogPostPageFactory
from members.models import User
from members.permissions import restrict_to_members
from members.tests.factories import UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def post(blog, **kwargs):
    return BlogPostPageFactory(parent=blog, **kwargs)


def titles(html):
    import re

    return re.findall(r'class="post-card__title"><a href="[^"]+">([^<]+)</a>', html)


def test_index_lists_posts_newest_first_ten_per_page(client, blog):
    for n in range(12):
        post(blog, title=f"Article {n:02d}", date=datetime.date(2010, 1, 1 + n))

    first = titles(client.get("/blog/").content.decode())
    second = titles(client.get("/blog/?page=2").content.decode())

    assert first == [f"Article {n:02d}" for n in range(11, 1, -1)]
    assert second == ["Article 01", "Article 00"]


@pytest.mark.parametrize(
    ("number", "expected"), [("abc", "Article 11"), ("99", "Article 01"), ("-3", "Article 01")]
)
def test_a_page_number_that_is_not_one_gives_the_nearest_page(client, blog, number, expected):
    for n in range(12):
        post(blog, title=f"Article {n:02d}", date=datetime.date(2010, 1, 1 + n))

    response = client.get("/blog/", {"page": number})

    assert response.status_code == HTTPStatus.OK
    assert expected in titles(response.content.decode())


def test_drafts_and_members_only_posts_stay_out_of_the_public_listing(client, blog):
    post(blog, title="Publié")
    post(blog, title="Brouillon", live=False)
    restrict_to_members(post(blog, title="Réservé"))

    assert titles(client.get("/blog/").content.decode()) == ["Publié"]


def test_members_see_members_only_posts_in_the_listing(client, blog):
    restrict_to_members(post(blog, title="Réservé"))
    client.force_login(UserFactory(status=User.Status.APPROVED))

    assert titles(client.get("/blog/").content.decode()) == ["Réservé"]


def test_filtered_views_by_category_tag_structure_author_and_date(client, blog, pessac):
    category = BlogCategoryFactory(name="Vie du réseau", slug="vie-du-reseau")
    author = UserFactory(status=User.Status.APPROVED, first_name="Alix", last_name="Roy")
    post(blog, title="A", categories=[category], date=datetime.date(2010, 2, 3))
    post(blog, title="B", tags=["diagnostic"], date=datetime.date(2011, 5, 6))
    post(blog, title="C", structure=pessac, authors=[author], date=datetime.date(2010, 2, 20))

    def listed(url):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        return titles(response.content.decode()), response.content.decode()

    assert listed("/blog/categorie/vie-du-reseau/")[0] == ["A"]
    assert listed("/blog/etiquette/diagnostic/")[0] == ["B"]
    assert listed("/blog/structure/pessac/")[0] == ["C"]
    assert listed(f"/blog/auteur/{author.pk}/")[0] == ["C"]
    assert listed("/blog/2010/")[0] == ["C", "A"]
    by_month, html = listed("/blog/2010/02/")
    assert by_month == ["C", "A"]
    assert "février 2010" in html
    assert 'href="/blog/"' in html, "a way back to all posts"


@pytest.mark.parametrize(
    "url",
    [
        "/blog/categorie/inconnue/",
        "/blog/etiquette/inconnue/",
        "/blog/structure/inconnue/",
        "/blog/auteur/999999/",
        "/blog/2010/13/",
        "/blog/2010/0/",
        "/blog/99999/",
        "/blog/1/",
        "/blog/flux/json/",
    ],
)
def test_unknown_filters_and_malformed_dates_give_a_404(client, blog, url):
    post(blog)

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def parse_rss(content):
    channel = ET.fromstring(content).find("channel")
    return channel, channel.findall("item")


def test_rss_feed_lists_the_latest_public_posts_with_absolute_links(client, blog):
    author = UserFactory(
        status=User.Status.APPROVED, first_name="Alix", last_name="Roy", profile_visibility="public"
    )
    for n in range(22):
        post(
            blog,
            title=f"Article {n:02d}",
            date=datetime.date(2010, 1, 1 + n),
            authors=[author] if n == 21 else None,
        )
    restrict_to_members(post(blog, title="Réservé", date=datetime.date(2012, 1, 1)))
    post(blog, title="Brouillon", live=False)

    response = client.get("/blog/flux/rss/")

    assert response["Content-Type"].startswith("application/rss+xml")
    channel, items = parse_rss(response.content)
    assert len(items) == 20
    assert items[0].findtext("title") == "Article 21"
    assert items[0].findtext("link").startswith("http://testserver/blog/")
    assert items[0].findtext("description") == "Résumé de l'article."
    assert "22 Jan 2010" in items[0].findtext("pubDate")
    assert "Alix Roy" in ET.tostring(items[0], encoding="unicode")
    assert all(item.findtext("title") not in {"Réservé", "Brouillon"} for item in items)


def test_atom_feed_is_valid_atom_without_members_only_posts(client, blog):
    post(blog, title="Public")
    restrict_to_members(post(blog, title="Réservé"))

    root = ET.fromstring(client.get("/blog/flux/atom/").content)

    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Public"]
    assert entries[0].find(f"{ATOM}link").get("href") == "http://testserver/blog/public/"


def test_members_never_see_members_only_posts_in_feeds_even_logged_in(client, blog):
    restrict_to_members(post(blog, title="Réservé"))
    client.force_login(UserFactory(status=User.Status.APPROVED))

    _channel, items = parse_rss(client.get("/blog/flux/rss/").content)

    assert items == []


def test_category_and_structure_feeds(client, blog, pessac):
    category = BlogCategoryFactory(slug="evenements", name="Événements")
    post(blog, title="Dans la catégorie", categories=[category])
    post(blog, title="Sur Pessac", structure=pessac)

    _c, by_category = parse_rss(client.get("/blog/flux/categorie/evenements/rss/").content)
    by_structure = ET.fromstring(client.get("/blog/flux/structure/pessac/atom/").content)

    assert [i.findtext("title") for i in by_category] == ["Dans la catégorie"]
    assert [e.findtext(f"{ATOM}title") for e in by_structure.findall(f"{ATOM}entry")] == [
        "Sur Pessac"
    ]


def test_pages_link_their_feeds(client, blog):
    one = post(blog)

    for url in ("/blog/", one.url):
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in html
        assert 'type="application/atom+xml"' in html


def test_post_page_shows_its_metadata_neighbours_and_related_posts(client, blog, pessac):
    category = BlogCategoryFactory(name="Retour d'expérience", slug="retour-d-experience")
    author = UserFactory(
        status=User.Status.APPROVED, first_name="Alix", last_name="Roy", profile_visibility="public"
    )
    older = post(blog, title="Plus ancien", date=datetime.date(2010, 1, 1), tags=["achats"])
    current = post(
        blog,
        title="Celui-ci",
        date=datetime.date(2010, 1, 2),
        structure=pessac,
        categories=[category],
        tags=["achats"],
        authors=[author],
        body="mot " * 450,
    )
    newer = post(blog, title="Plus récent", date=datetime.date(2010, 1, 3), structure=pessac)
    post(blog, title="Sans rapport", date=datetime.date(2010, 1, 4))

    html = client.get(current.url).content.decode()

    assert "2 janvier 2010" in html
    assert "2 minutes de lecture" in html
    assert f'href="/membres/{author.pk}/">Alix Roy</a>' in html
    assert 'href="/blog/categorie/retour-d-experience/"' in html
    assert 'href="/blog/etiquette/achats/" rel="tag"' in html
    assert f'href="{older.url}" rel="prev"' in html and f'href="{newer.url}" rel="next"' in html
    related = html.split('id="related-heading"')[1]
    assert "Plus ancien" in related and "Plus récent" in related and "Sans rapport" not in related
    assert "linkedin.com/sharing" in html and "<script" not in html.split("</header>", 1)[1]


def test_members_only_neighbours_are_not_shown_to_visitors(client, blog):
    current = post(blog, date=datetime.date(2010, 1, 2))
    hidden = post(blog, title="Voisin réservé", date=datetime.date(2010, 1, 3))
    restrict_to_members(hidden)

    assert "Voisin réservé" not in client.get(current.url).content.decode()


def test_publication_date_defaults_to_first_publication(blog):
    draft = BlogPostPage(title="Sans date", slug="sans-date", body="x")
    blog.add_child(instance=draft)
    draft.save_revision().publish()

    draft.refresh_from_db()
    assert draft.date == draft.first_published_at.date()


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("url", ["/blog/", "/blog/flux/rss/", "/blog/2010/"])
def test_listing_queries_do_not_grow_with_posts_categories_and_tags(client, blog, pessac, url):
    def add(count):
        for n in range(count):
            post(
                blog,
                structure=pessac,
                categories=[BlogCategoryFactory(), BlogCategoryFactory()],
                tags=[f"tag-{n}", f"autre-{n}"],
                authors=[UserFactory(), UserFactory()],
            )

    add(3)
    few = queries(client, url)
    add(27)
    many = queries(client, url)

    assert many == few


def test_post_page_queries_do_not_grow_with_tags_and_related_posts(client, blog, pessac):
    current = post(blog, structure=pessac, tags=["a", "b", "c"])
    for _ in range(3):
        post(blog, structure=pessac, tags=["a"])
    few = queries(client, current.url)
    current.tags.set([f"t{n}" for n in range(30)] + ["a"])
    current.save()
    for _ in range(27):
        post(blog, structure=pessac, tags=["a", "b"])
    many = queries(client, current.url)

    assert many == few


def test_filtered_listings_offer_to_follow_what_they_filter(client, blog, pessac):
    BlogCategoryFactory(slug="evenements", name="Événements")
    client.force_login(UserFactory(status=User.Status.APPROVED))

    def kind(url):
        html = client.get(url).content.decode()
        return html.split('name="kind" value="')[1].split('"')[0]

    assert kind("/blog/") == "blog"
    assert kind("/blog/categorie/evenements/") == "category"
    assert kind("/blog/structure/pessac/") == "structure"
