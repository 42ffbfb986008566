"""RSS 2.0 and Atom feeds of public posts (Django's syndication framework)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from core.links import absolute_url, on_site

FEED_SIZE = 20


class PostFeed(Feed):
    """The latest public posts of ``posts``; members-only and draft posts never appear."""

    feed_type = Rss201rev2Feed

    def __init__(self, posts, title, link, description, feed_type=None):
        super().__init__()
        self.posts = posts
        self.feed_title = title
        self.feed_link = link
        self.feed_description = description
        if feed_type is not None:
            self.feed_type = feed_type

    def __call__(self, request, *args, **kwargs):
        self.path = request.get_full_path()
        return super().__call__(request, *args, **kwargs)

    def feed_url(self):
        # Django would take the host from the request; links go to ``SITE_URL``.
        return on_site(self.path)

    def title(self):
        return self.feed_title

    def link(self):
        return absolute_url(self.feed_link)

    def description(self):
        return self.feed_description

    def items(self):
        return self.posts.public()[:FEED_SIZE]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.summary or _("Read the post on the RAA network site.")

    def item_link(self, post):
        return absolute_url(post.url)

    def item_pubdate(self, post):
        """The post's own date (noon, site time); the first publication when it has none."""
        if post.date is None:
            return post.first_published_at
        noon = datetime.datetime.combine(post.date, datetime.time(12))
        return timezone.make_aware(noon)

    def item_updateddate(self, post):
        return post.last_published_at

    def item_author_name(self, post):
        # Feeds are public: a "members only" profile is never named there.
        return ", ".join(str(author.name_for(None)) for author in post.authors.all()) or None

    def item_categories(self, post):
        return [category.name for category in post.categories.all()]

    def item_guid(self, post):
        return f"raa-post-{post.pk}"

    item_guid_is_permalink = False


FEED_TYPES = {"rss": Rss201rev2Feed, "atom": Atom1Feed}
