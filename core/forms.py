"""Admin form checks shared by the page types."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry


class ChosenImagesMixin:
    """Refuse an image the editor may not choose, whatever the request says.

    Wagtail's chooser only offers the images of the collections the editor may choose from
    (a structure team: its own collection), but the form accepts any image id: a tampered
    request could attach an image of another team's or of a members-only collection. The
    image already on the page stays allowed (a coordinator may have chosen it).
    """

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "for_user", None)
        image_model = get_image_model()
        image_permissions = policy_registry.get_by_type(image_model)
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            if field.queryset.model is not image_model:
                continue
            image = cleaned_data.get(name)
            if image is None or image.pk == getattr(self.instance, f"{name}_id", None):
                continue
            if user is None or not image_permissions.user_has_permission_for_instance(
                user, "choose", image
            ):
                self.add_error(
                    name,
                    _(
                        "You cannot use this image: it belongs to a collection you may not "
                        "choose from."
                    ),
                )
        return cleaned_data
