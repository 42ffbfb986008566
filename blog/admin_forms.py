"""The Wagtail edit form of blog posts: structure teams write about their own structure only;
authors are approved network members."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from core.forms import ChosenImagesMixin
from core.markdown import validate_references
from members.models import User


class BlogPostForm(ChosenImagesMixin, WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_authors()
        user = getattr(self, "for_user", None)
        structure = self.fields.get("structure")
        if user is None or structure is None or user.is_coordinator:
            return
        own = structure.queryset.filter(memberships__user=user).distinct()
        structure.queryset = own
        structure.required = own.exists()

    def limit_authors(self):
        """Approved members only (and whoever the saved post already names): an account
        awaiting approval or refused is neither offered nor accepted, whatever is posted."""
        authors = self.fields.get("authors")
        if authors is None:
            return
        # In memory on a revision: read the relation itself, not the database.
        already = Q(pk__in=[author.pk for author in self.instance.authors.all()])
        authors.queryset = (
            User.objects.filter(Q(status=User.Status.APPROVED, is_active=True) | already)
            .distinct()
            .order_by("display_name", "last_name", "first_name", "pk")
        )
        authors.error_messages["invalid_choice"] = _(
            "Only approved network members can be named as authors."
        )

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
