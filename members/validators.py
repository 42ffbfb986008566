from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP"}
AVATAR_MAX_PIXELS = 4000 * 4000


def validate_avatar(file):
    """A real JPEG, PNG or WebP image of at most 2 MB: the content is checked, not the name."""
    from PIL import Image, UnidentifiedImageError

    if file.size > AVATAR_MAX_BYTES:
        raise ValidationError(_("The photo must not exceed 2 MB."), code="too_large")
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not an image the site can read."), code="invalid"
        ) from error
    finally:
        file.seek(0)
    if image_format not in AVATAR_FORMATS:
        raise ValidationError(_("The photo must be a JPEG, PNG or WebP image."), code="format")
    if width * height > AVATAR_MAX_PIXELS:
        raise ValidationError(
            _("The photo is too large (at most 4000 × 4000 pixels)."), code="pixels"
        )
