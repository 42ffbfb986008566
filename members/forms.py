from datetime import timedelta

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.site_cache import remember
from knowledge.models import StructurePage

from .models import Invitation, Membership, User
from .rechecks import check_password_again


class SignupExtraForm(forms.Form):
    """What allauth's sign-up form asks on top of email and password."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=150,
        required=False,
        help_text=_("For example: purchasing officer, elected official in charge of procurement."),
    )

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.job_title = self.cleaned_data["job_title"]
        user.save()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "display_name",
            "job_title",
            "structure",
            "bio",
            "avatar",
            "profile_visibility",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "profile_visibility": forms.RadioSelect,
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = StructurePage.objects.for_listing()
        self.fields["structure"].empty_label = pgettext_lazy("no structure", "None")


class StructureSelect(forms.Select):
    """The directory's structure filter, drawn from options rendered once per generation.

    Django renders a ``<select>`` through a template per option: at 229 structures that cost
    each view of the directory ~15 ms, for a list that changes only when a structure does.
    The options (titles of public structures, the same for every reader) are kept by
    ``core.site_cache.remember``; each view only marks the chosen one and adds the first,
    translated option."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_html = ""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value in (None, "") else str(value)
        options = self.options_html
        if chosen:
            plain = format_html('<option value="{}">', chosen)
            options = options.replace(plain, plain[:-1] + " selected>", 1)
        first = format_html(
            '<option value=""{}>{}</option>', "" if chosen else " selected", self.empty_label
        )
        return format_html(
            "<select{}>{}{}</select>",
            flatatt(final_attrs),
            first,
            mark_safe(options),  # noqa: S308
        )


def structure_options_html(listing):
    """The ``<option>`` of every structure of ``listing``, escaped, in its order."""
    return "".join(
        format_html('<option value="{}">{}</option>', pk, title)
        for pk, title in listing.values_list("pk", "title")
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    structure = forms.ModelChoiceField(
        label=_("Structure"),
        queryset=StructurePage.objects.none(),
        required=False,
        empty_label=_("All structures"),
        widget=StructureSelect,
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["structure"]
        field.widget.empty_label = field.empty_label
        field.widget.options_html = remember(
            "members:directory-structure-options",
            lambda: structure_options_html(StructurePage.objects.for_listing(request)),
            request,
        )
        if self.data.get("structure"):
            # What a choice is checked against, built only when there is one: excluding the
            # ~1,800 members-only subtrees of scale 50 costs ~4 ms to put into a query.
            field.queryset = StructurePage.objects.for_listing(request)


def invitations_limit_reached(inviter):
    """A French refusal when ``inviter`` sent as many invitations as ``RAA_INVITATION_LIMITS``
    allow (pairs of a number and a period in seconds), else ``None``. Counted in the
    database: the limit holds across servers and restarts."""
    now = timezone.now()
    sent = Invitation.objects.filter(invited_by=inviter)
    for number, seconds in settings.RAA_INVITATION_LIMITS:
        if sent.filter(created_at__gt=now - timedelta(seconds=seconds)).count() >= number:
            hours = max(1, round(seconds / 3600))
            return ngettext(
                "You have sent %(number)s invitations in the last hour: wait a little before "
                "sending more.",
                "You have sent %(number)s invitations in the last %(hours)s hours: wait a "
                "little before sending more.",
                hours,
            ) % {"number": number, "hours": hours}
    return None


class IdChoiceField(forms.ModelChoiceField):
    """A record chosen by id; an id no database column can hold is an invalid choice, not a
    server error (SQLite refuses integers past 64 bits)."""

    def to_python(self, value):
        if value not in self.empty_values and str(value).isdigit() and int(value) >= 2**63:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class InvitationForm(forms.ModelForm):
    """An invitation by a coordinator (any structure, or none) or a referent (their own)."""

    class Meta:
        model = Invitation
        fields = ["email", "structure", "role"]
        field_classes = {"structure": IdChoiceField}

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        structures = StructurePage.objects.for_listing()
        if not inviter.is_coordinator:
            structures = structures.filter(
                memberships__user=inviter, memberships__role__in=Membership.REFERENT_ROLES
            )
            self.fields["structure"].required = True
        self.fields["structure"].queryset = structures
        self.fields["structure"].empty_label = _("No structure: network member only")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        pending = Invitation.objects.usable().filter(email=email).order_by("-expires_at").first()
        if pending is not None:
            raise forms.ValidationError(
                _(
                    "An invitation to this address is already waiting to be accepted (valid "
                    "until %(date)s). A coordinator can revoke it in Network › Invitations."
                ),
                code="pending",
                params={"date": date_format(localtime(pending.expires_at), "j F Y")},
            )
        return email

    def clean(self):
        cleaned_data = super().clean()
        if self.inviter.pk is not None:
            limit = invitations_limit_reached(self.inviter)
            if limit:
                raise forms.ValidationError(limit, code="rate_limited")
        return cleaned_data

    def save(self, commit=True):
        invitation = super().save(commit=False)
        invitation.invited_by = self.inviter
        if commit:
            invitation.save()
        return invitation


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good.")
    )

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        check_password_again(self.request, self.user, password)
        return password
