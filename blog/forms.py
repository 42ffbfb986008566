"""The comment form (django-comments-xtd's ``COMMENTS_XTD_FORM_CLASS``): only the text.

No name, email or URL: commenters are logged-in members, signed with their profile's name.
"""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.markdown import validate_references


class CommentTextField(forms.CharField):
    """Text with Unix line ends, so the length counted matches the browser's ``maxlength``."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(forms.Form):
    """``CommentForm(post)`` or ``CommentForm(post, data=...)``, as django_comments builds it."""

    comment = CommentTextField(
        label=_("Your comment"),
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Markdown is accepted: **bold**, *italics*, lists, [links](https://…). "
            "To notify a network member, write @ and their name as the site shows it, in "
            "square brackets: @[Marie Dupont]."
        ),
        validators=[validate_references],
        error_messages={
            "required": _("Write your comment before sending it."),
            "max_length": _(
                "Your comment is too long: %(limit_value)d characters at most "
                "(it has %(show_value)d)."
            ),
        },
    )

    def __init__(self, target_object=None, *args, **kwargs):
        self.target_object = target_object
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs.update(self.mention_attrs())

    def mention_attrs(self):
        """What ``blog/js/mentions.js`` reads to offer members as one types "@" and a name:
        where to ask, and its messages (translated here: the script holds no text)."""
        url = reverse("blog_comments:mention_suggestions")
        if getattr(self.target_object, "pk", None):
            url += "?" + urlencode({"article": self.target_object.pk})
        return {
            "data-mentions-url": url,
            "data-mentions-label": gettext("Members to mention"),
            "data-mentions-one": gettext(
                "1 member found: up and down arrows to choose, Enter to insert the name."
            ),
            "data-mentions-many": gettext(
                "%(count)s members found: up and down arrows to choose, Enter to insert the name."
            ),
            "data-mentions-none": gettext("No member found with this name."),
        }
