import datetime

import factory
import wagtail_factories
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from blog.models import BlogCategory, BlogComment, BlogIndexPage, BlogPostPage
from members.tests.factories import UserFactory


class BlogIndexPageFactory(wagtail_factories.PageFactory):
    title = "Blog"
    slug = "blog"

    class Meta:
        model = BlogIndexPage


class BlogCategoryFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Catégorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")

    class Meta:
        model = BlogCategory
        django_get_or_create = ["slug"]


class BlogPostPageFactory(wagtail_factories.PageFactory):
    """A live post; ``date`` counts back one day per post so listings have a stable order."""

    title = factory.Sequence(lambda n: f"Article {n}")
    date = factory.Sequence(lambda n: datetime.date(2010, 1, 1) + datetime.timedelta(days=n))
    summary = "Résumé de l'article."
    body = "Un paragraphe de **texte**."

    class Meta:
        model = BlogPostPage
        skip_postgeneration_save = True

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)
            self.save()

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
            self.save()

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)
            self.save()


class BlogCommentFactory(DjangoModelFactory):
    """A public comment by an approved member on ``post``; pass ``parent`` for a reply."""

    class Params:
        post = None
        parent = None

    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(BlogPostPage))
    object_pk = factory.LazyAttribute(lambda comment: str(comment.post.pk))
    site_id = factory.LazyFunction(lambda: settings.SITE_ID)
    user = factory.SubFactory(UserFactory, status="approved")
    comment = factory.Sequence(lambda n: f"Commentaire numéro {n}.")
    submit_date = factory.LazyFunction(timezone.now)
    parent_id = factory.LazyAttribute(lambda comment: comment.parent.pk if comment.parent else 0)

    class Meta:
        model = BlogComment
