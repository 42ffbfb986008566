"""The programme's blog: exchanges between the structures and the consultant."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.core.validators import MaxLengthValidator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtailmarkdown.fields import MarkdownField

from blog import listing
from blog.admin_forms import BlogPostForm
from blog.feeds import FEED_TYPES, PostFeed
from core import fragments
from core.markdown import plain_text, reading_minutes, render_markdown
from core.pages import SectionPage
from core.searchable import IndexEntry
from core.visibility import visible_to
from knowledge.models import StructurePage
from knowledge.searchable import first_structure, join, structure_facets

POST_BODY_MAX_LENGTH = 50_000
POSTS_PER_PAGE = 10
MIN_YEAR, MAX_YEAR = 2000, 2100


@register_snippet
class BlogCategory(models.Model):
    """A category of posts: "Vie du réseau", "Retour d'expérience"..."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=False)
    description = models.TextField(_("description"), blank=True, max_length=500)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        verbose_name = _("blog category")
        verbose_name_plural = _("blog categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.BlogPostPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class BlogPostQuerySet(PageQuerySet):
    def for_listing(self):
        """Live posts, newest first, with what a listing shows fetched in a bounded way."""
        return (
            self.live()
            .select_related("structure", "cover_image")
            .prefetch_related("categories", "authors", "tags")
            .order_by("-date", "-first_published_at", "-pk")
        )

    def for_search(self):
        """What ``search_entries`` reads, in a fixed number of queries for any number."""
        return self.select_related("structure__departement").prefetch_related("categories", "tags")


class BlogPostPage(Page):
    """A post: news from a structure, a lesson, a resource, an event report."""

    date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the date of first publication."),
    )
    authors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="blog_posts", verbose_name=_("authors")
    )
    structure = models.ForeignKey(
        "knowledge.StructurePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blog_posts",
        verbose_name=_("structure"),
        help_text=_("The structure this post reports on, if any."),
    )
    categories = ParentalManyToManyField(
        BlogCategory, blank=True, related_name="posts", verbose_name=_("categories")
    )
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True, verbose_name=_("tags"))
    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("Two or three sentences shown in listings and feeds."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    body = MarkdownField(
        _("body"),
        blank=True,
        validators=[MaxLengthValidator(POST_BODY_MAX_LENGTH)],
        help_text=_(
            "Markdown: ## headings, lists, tables, [links](https://…), [a page](page:12), "
            "[a document](doc:3), images from the library ![description](image:7) or "
            "![description](image:7:grand) (petit, moyen or grand)."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    reading_time = models.PositiveSmallIntegerField(editable=False, default=1)

    objects = PageManager.from_queryset(BlogPostQuerySet)()
    base_form_class = BlogPostForm

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldPanel("authors", widget=forms.CheckboxSelectMultiple),
                FieldPanel("structure"),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading=_("About this post"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        # A plain text area: wagtail-markdown's editor previews raw HTML in the browser and
        # loads its icons from a CDN. The page preview shows the sanitised rendering.
        FieldPanel("body", widget=forms.Textarea(attrs={"rows": 24})),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body_text"),
        index.FilterField("date"),
        index.FilterField("structure"),
    ]

    class Meta:
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.reading_time = reading_minutes(self.body)
        if self.date is None and self.live:
            self.date = (self.first_published_at or timezone.now()).date()
        super().save(*args, **kwargs)

    def serve_preview(self, request, mode_name):
        # A preview is not saved: render the Markdown being edited, through the same pipeline.
        self.body_html = render_markdown(self.body)
        self.reading_time = reading_minutes(self.body)
        return super().serve_preview(request, mode_name)

    def body_text(self):
        """The body's words for the search index: no Markdown or HTML markup."""
        return plain_text(self.body)

    def search_entries(self):
        """The site search's entry: categories and tags are words of the post."""
        structures = [self.structure] if self.structure_id else []
        return [
            IndexEntry.of_page(
                self,
                "post",
                summary=self.summary,
                body=join(
                    self.body_text(),
                    " ".join(category.name for category in self.categories.all()),
                    " ".join(tag.name for tag in self.tags.all()),
                ),
                date=self.display_date,
                structure=first_structure(structures),
                facets=structure_facets(structures),
            )
        ]

    @property
    def display_date(self):
        return self.date or (self.first_published_at and self.first_published_at.date())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        blog = self.get_parent().specific
        context["blog"] = blog
        context["is_member"], context["is_coordinator"] = _roles(request)
        # The body (article, comments, neighbours, related posts, sidebar) kept for this
        # reader's rights and standing (``blog.post_body``): nothing more to read.
        name = listing.fragment_name("post", self.pk, request=request)
        context["post_fragment"] = name
        if name and fragments.lookup(name, request) is not None:
            return context
        siblings = BlogPostPage.objects.sibling_of(self, inclusive=False).live()
        siblings = visible_to(siblings, request)
        if isinstance(blog, BlogIndexPage):
            # Found in the blog's posts kept for this audience, not sorted afresh.
            visible = listing.visible(blog, BlogPostPage.objects.child_of(blog).live(), request)
            ids = [visible.neighbour_id(self.date, self.pk, older) for older in (True, False)]
            found = BlogPostPage.objects.in_bulk([pk for pk in ids if pk is not None])
            context["previous_post"], context["next_post"] = (found.get(pk) for pk in ids)
        else:
            order = ("date", "first_published_at", "pk")
            key = (self.date, self.first_published_at, self.pk)
            context["previous_post"] = _neighbour(siblings, order, key, older=True)
            context["next_post"] = _neighbour(siblings, order, key, older=False)
        # ``tags.all()``: in a preview, the tags being edited (modelcluster), maybe unsaved.
        context["post_tags"] = list(self.tags.all())
        context["related_posts"] = self.related_posts(siblings, tags=context["post_tags"])
        context["authors"] = list(self.authors.select_related("structure"))
        context["categories"] = list(self.categories.all())
        if isinstance(blog, BlogIndexPage):
            context.update(blog.sidebar_context(request))
        return context

    def related_posts(self, siblings, limit=3, tags=None):
        """Visible posts sharing a tag or the structure, most shared first (with what their
        cards show: a fixed number of queries)."""
        # ``tags.all()`` rather than a query: in a preview, a draft or a revision under
        # moderation, the tags live in memory (modelcluster) and may not be saved yet.
        tags = self.tags.all() if tags is None else tags
        tag_ids = [tag.pk for tag in tags if tag.pk is not None]
        condition = models.Q(tags__in=tag_ids)
        if self.structure_id:
            condition |= models.Q(structure_id=self.structure_id)
        return (
            siblings.filter(condition)
            .annotate(shared=models.Count("pk"))
            .order_by("-shared", "-date", "-pk")
            .select_related("cover_image", "structure")
            .prefetch_related("categories")[:limit]
        )


def _roles(request):
    """``(is_member, is_coordinator)``: whether the reader may comment and moderate."""
    standing = listing.standing(request)
    if standing is not None:
        return standing != "visitor", standing == "coordinator"
    user = request.user  # a preview, or an account that is not a network member
    is_member = user.is_authenticated and user.is_network_member
    return is_member, is_member and user.is_coordinator


def _neighbour(posts, order, key, older):
    """The post just before (older) or after ``key`` in ``order``, or None."""
    date, published, pk = key
    if date is None:
        return None
    if older:
        condition = models.Q(date__lt=date) | models.Q(date=date, pk__lt=pk)
        return posts.filter(condition).order_by("-date", "-pk").first()
    condition = models.Q(date__gt=date) | models.Q(date=date, pk__gt=pk)
    return posts.filter(condition).order_by("date", "pk").first()


class BlogIndexPage(RoutablePageMixin, SectionPage):
    """``/blog/``: the programme's blog, its filtered views and its feeds."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["blog.BlogPostPage"]
    max_count = 1

    class Meta:
        verbose_name = _("blog")
        verbose_name_plural = _("blogs")

    def route(self, request, path_components):
        """Wagtail's routing, with a post found as itself in one query (Wagtail's finds the
        child page, then its specific page: two), or none when this process remembers it
        (``SectionPage.specific_child``)."""
        if self.live and len(path_components) == 1:
            try:
                self.resolve_subpage(f"/{path_components[0]}/")
            except Http404:  # not one of the blog's own views: a post, maybe
                post = self.specific_child(path_components[0], request)
                if post is not None:
                    post._cached_parent_obj = self  # as Wagtail does: no query for the parent
                    return post.route(request, [])
        return super().route(request, path_components)

    def posts(self, request):
        """Live posts of this blog that the reader may see, newest first."""
        return visible_to(BlogPostPage.objects.child_of(self).for_listing(), request)

    def sidebar_context(self, request):
        """What the sidebar of the blog and its posts lists: categories, tags, years, authors
        (counted on the posts ``request``'s reader may see); nothing but the fragment's name
        when it is kept for this reader's rights and standing."""
        name = listing.fragment_name("sidebar", self.pk, request=request)
        if name and fragments.lookup(name, request) is not None:
            return {"sidebar_fragment": name}
        return {
            "sidebar_fragment": name,
            "sidebar_categories": list(BlogCategory.objects.all()),
            **listing.sidebar(self, BlogPostPage.objects.child_of(self).live(), request),
        }

    def render_listing(
        self, request, posts, heading=None, feeds=None, follow_target=None, ids=None
    ):
        """``posts`` a page at a time; ``ids``: their ids in order, already known (then only
        the page's posts are read, and not even them when the page is kept rendered for this
        reader's rights: ``listing_fragment``)."""
        listing_fragment = None
        if ids is None:
            page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
        else:
            page = Paginator(ids, POSTS_PER_PAGE).get_page(request.GET.get("page"))
            listing_fragment = listing.fragment_name(
                "listing", self.pk, page.number, request=request
            )
            if listing_fragment and fragments.lookup(listing_fragment, request) is not None:
                page.object_list = []
            else:
                page.object_list = list(posts.filter(pk__in=list(page.object_list)))
        context = self.get_context(request)
        context.update(
            {
                "posts": page,
                "listing_fragment": listing_fragment,
                "filter_heading": heading,
                "feeds": feeds or self.main_feeds(),
                "follow_target": follow_target or self,
                **self.sidebar_context(request),
            }
        )
        return TemplateResponse(request, self.get_template(request), context)

    def feed_urls(self, name="feed", *args):
        """``{"rss": url, "atom": url}`` of one of this blog's feeds, from the site's root:
        ``reverse_subpage`` alone gives a path relative to the blog, wrong on its sub-pages."""
        return {
            kind: self.url + self.reverse_subpage(name, args=[*args, kind]) for kind in FEED_TYPES
        }

    def main_feeds(self):
        return self.feed_urls()

    @path("")
    def index(self, request):
        visible = listing.visible(self, BlogPostPage.objects.child_of(self).live(), request)
        # The ids are this reader's visible posts: no need to leave the others out again.
        posts = BlogPostPage.objects.child_of(self).for_listing()
        return self.render_listing(request, posts, ids=visible.listing)

    @path("categorie/<slug:slug>/")
    def by_category(self, request, slug):
        category = get_object_or_404(BlogCategory, slug=slug)
        feeds = self.feed_urls("category_feed", slug)
        return self.render_listing(
            request,
            self.posts(request).filter(categories=category),
            _("Category: %(name)s") % {"name": category.name},
            feeds,
            follow_target=category,
        )

    @path("etiquette/<str:slug>/")
    def by_tag(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        return self.render_listing(
            request,
            self.posts(request).filter(tags=tag),
            _("Tag: %(name)s") % {"name": tag.name},
            self.feed_urls("tag_feed", tag.slug),
        )

    @path("structure/<slug:slug>/")
    def by_structure(self, request, slug):
        structure = get_object_or_404(visible_to(StructurePage.objects.live(), request), slug=slug)
        feeds = self.feed_urls("structure_feed", slug)
        return self.render_listing(
            request,
            self.posts(request).filter(structure=structure),
            _("Structure: %(name)s") % {"name": structure.title},
            feeds,
            follow_target=structure,
        )

    @path("auteur/<id:pk>/")
    def by_author(self, request, pk):
        author = get_object_or_404(
            get_user_model().objects.select_related("structure"), pk=pk, is_active=True
        )
        posts = self.posts(request).filter(authors=author)
        if not posts.exists():
            raise Http404
        name = author.name_for(request.user)
        return self.render_listing(request, posts, _("Author: %(name)s") % {"name": name})

    @path("<year:year>/")
    def by_year(self, request, year):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404
        return self.render_listing(
            request,
            self.posts(request).filter(date__year=year),
            _("Archives: %(year)s") % {"year": year},
        )

    @path("<year:year>/<month:month>/")
    def by_month(self, request, year, month):
        if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
            raise Http404
        posts = self.posts(request).filter(date__year=year, date__month=month)
        label = date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
        return self.render_listing(request, posts, _("Archives: %(month)s") % {"month": label})

    @path("flux/<str:kind>/", name="feed")
    def feed(self, request, kind):
        return self.serve_feed(
            request, kind, BlogPostPage.objects.child_of(self).for_listing(), self.title
        )

    @path("flux/categorie/<slug:slug>/<str:kind>/", name="category_feed")
    def category_feed(self, request, slug, kind):
        category = get_object_or_404(BlogCategory, slug=slug)
        posts = BlogPostPage.objects.child_of(self).for_listing().filter(categories=category)
        return self.serve_feed(request, kind, posts, f"{self.title} – {category.name}")

    @path("flux/structure/<slug:slug>/<str:kind>/", name="structure_feed")
    def structure_feed(self, request, slug, kind):
        structure = get_object_or_404(StructurePage.objects.live().public(), slug=slug)
        posts = BlogPostPage.objects.child_of(self).for_listing().filter(structure=structure)
        return self.serve_feed(request, kind, posts, f"{self.title} – {structure.title}")

    @path("flux/etiquette/<str:slug>/<str:kind>/", name="tag_feed")
    def tag_feed(self, request, slug, kind):
        tag = get_object_or_404(Tag, slug=slug)
        posts = BlogPostPage.objects.child_of(self).for_listing().filter(tags=tag)
        return self.serve_feed(request, kind, posts, f"{self.title} – {tag.name}")

    def serve_feed(self, request, kind, posts, title):
        if kind not in FEED_TYPES:
            raise Http404
        description = _("The latest posts of the RAA network blog.")
        feed = PostFeed(posts, title, self.url, description, FEED_TYPES[kind])
        return feed(request)
