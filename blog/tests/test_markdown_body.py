from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError

from blog.models import BlogPostPage
from blog.models.posts import POST_BODY_MAX_LENGTH
from blog.tests.factories import BlogPostPageFactory
from core.tests.test_markdown import dangers


def test_the_body_is_rendered_when_saved_not_on_each_view(client, blog):
    post = BlogPostPageFactory(parent=blog, body="**Texte** <script>alert(1)</script>")
    BlogPostPage.objects.filter(pk=post.pk).update(body="changed without saving")

    html = client.get(post.url).content.decode()

    assert "<strong>Texte</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "changed without saving" not in html


def test_a_body_over_the_limit_is_refused(blog):
    post = BlogPostPageFactory(parent=blog)
    post.body = "a" * (POST_BODY_MAX_LENGTH + 1)

    with pytest.raises(ValidationError) as error:
        post.full_clean()

    assert "body" in error.value.message_dict


def test_the_admin_preview_renders_the_edited_markdown_sanitised(blog, rf):
    post = BlogPostPageFactory(parent=blog, body="ancien")
    post.body = "**nouveau** <img src=x onerror=alert(1)> [x](javascript:alert(1))"

    response = post.make_preview_request()

    body = response.content.decode().split('class="post__body">')[1].split("</div>")[0]
    assert response.status_code == HTTPStatus.OK
    assert "<strong>nouveau</strong>" in body
    assert dangers(body) == []
