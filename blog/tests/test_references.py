"""Blog forms refuse Markdown with too many references, in French."""

from django.utils import translation

from blog.forms import CommentForm
from core.markdown import MAX_REFERENCES


def test_a_comment_with_too_many_references_is_refused_in_french(db):
    text = " ".join(["[x](doc:1)"] * (MAX_REFERENCES + 1))

    with translation.override("fr"):
        form = CommentForm(None, data={"comment": text})
        assert not form.is_valid()
        (error,) = form.errors["comment"]

    assert f"{MAX_REFERENCES} au plus" in error
