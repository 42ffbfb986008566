"""The Wagtail edit form of blog posts: structure teams write about their own structure only."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from core.forms import ChosenImagesMixin
from core.markdown import validate_references


class BlogPostForm(ChosenImagesMixin, WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        structure = self.fields.get("structure")
        if user is None or structure is None or user.is_coordinator:
            return
        own = structure.queryset.filter(memberships__user=user).distinct()
        structure.queryset = own
        structure.required = own.exists()

    def clean_structure(self):
        structure = self.cleaned_data.get("structure")
        user = getattr(self, "for_user", None)
        if (
            structure is not None
            and user is not None
            and not user.is_coordinator
            and not structure.memberships.filter(user=user).exists()
        ):
            raise forms.ValidationError(
                _("You can only write about your own structure."), code="not_your_structure"
            )
        return structure

    def clean_body(self):
        body = self.cleaned_data.get("body")
        validate_references(body)
        return body
