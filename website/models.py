"""Site-wide pages: the home page, plain content pages and the agenda."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from blog.models import BlogIndexPage, BlogPostPage
from core import fragments
from core.access import refuse
from core.ics import calendar_response
from core.pages import SectionPage
from core.searchable import IndexEntry
from core.visibility import bearing_on, page_restrictions, reader_of, visible_to
from knowledge.models import StructureIndexPage, StructurePage
from knowledge.searchable import (
    first_structure,
    local_date,
    rich_text,
    structure_facets,
)

from .contact import (
    DEFAULT_THANK_YOU,
    RATE_LIMITED_MESSAGE,
    UNAVAILABLE_MESSAGE,
    ContactForm,
    contact_rate_limited,
    coordination_addresses,
    send_contact_message,
)
from .members_area import hub_context
from .registrations.models import Registration  # noqa: F401 (the sign-ups' model)
from .registrations.pages import EventRegistrationMixin
from .trash.models import TrashedPage, TrashFolderPage  # noqa: F401 (the trash's models)

EVENTS_PER_PAGE = 10
HOME_EVENTS = 3
HOME_POSTS = 3
# A handful of structures on the home page, however many the network has: the directory
# lists them all.
HOME_STRUCTURES = 6
# The sub-route of the iCalendar files. Wagtail only serves paths made of letters, digits,
# hyphens and underscores (no dot), so the file name is given by Content-Disposition.
CALENDAR_ROUTE = "calendrier"


class HomePage(SectionPage):
    """The site's root: what the programme is, the structures it coaches, the next events."""

    programme = RichTextField(
        _("programme"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        help_text=_("What the programme is: its sponsors, the coaching journey, the commitments."),
    )

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    content_panels = [
        *SectionPage.content_panels,
        FieldPanel("programme"),
    ]
    search_fields = [*SectionPage.search_fields, index.SearchField("programme")]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def fragment_name(self):
        return f"home:{self.pk}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["fragment_name"] = self.fragment_name()
        if fragments.lookup(self.fragment_name(), request) is not None:
            return context  # the news, events, lessons and structures, rendered for this reader
        context.update(home_structures(request))
        context["latest_posts"] = list(
            visible_to(BlogPostPage.objects.for_listing(), request)[:HOME_POSTS]
        )
        context["blog_page"] = visible_to(BlogIndexPage.objects.live(), request).first()
        agenda = visible_to(EventIndexPage.objects.live(), request).first()
        context["agenda_page"] = agenda
        context["upcoming_events"] = (
            list(EventPage.objects.child_of(agenda).for_listing(request).upcoming()[:HOME_EVENTS])
            if agenda
            else []
        )
        return context


def home_structures(request):
    """The structures the home page shows: the most recently updated few of those the
    directory lists (anyone may read them: none when the directory itself is restricted), how
    many it lists and the directory (two queries). Only the restrictions bearing on the
    directory filter them: the query does not carry every members-only page's path."""
    directory = StructureIndexPage.objects.live().first()
    if directory is None:
        return {"structures": [], "structure_count": 0, "directory_page": None}
    restrictions = page_restrictions(request)
    structures = list(
        StructurePage.objects.children_of(directory)
        .for_listing(restrictions=bearing_on(directory.path, restrictions))
        .recently_updated(HOME_STRUCTURES)
    )
    return {
        "structures": structures,
        "structure_count": structures[0].total if structures else 0,
        "directory_page": directory,
    }


@register_setting(icon="date")
class ProgrammeSettings(BaseGenericSetting):
    """The day the coordination's cockpit and the weekly summary see the programme from."""

    as_of = models.DateField(
        _("programme date"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to see the programme as of today. The demo sets the day its data "
            "stops (30 June 2010), so that its late items read as they would have then."
        ),
    )

    panels = [FieldPanel("as_of")]

    class Meta:
        verbose_name = _("programme follow-up")
        verbose_name_plural = _("programme follow-up")


class StandardPage(Page):
    """A plain page of text: about, legal notice, accessibility statement."""

    body = RichTextField(
        _("body"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"],
    )

    parent_page_types = ["website.HomePage", "website.StandardPage", "website.MembersAreaPage"]
    subpage_types = ["website.StandardPage"]

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class MembersAreaPage(SectionPage):
    """``/espace-membres/``: the members' hub (their team, the dashboard, the directory,
    members-only posts and documents, their follows, the next events). Restrict it to the
    members' groups: whoever else asks is refused by ``core.wagtail_hooks``."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("members' area")
        verbose_name_plural = _("members' areas")

    def serve(self, request, *args, **kwargs):
        # Members only even if an editor lifts the page's restriction.
        if not reader_of(request).is_member:
            return refuse(request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        agenda = visible_to(EventIndexPage.objects.live(), request).first()
        events = (
            EventPage.objects.child_of(agenda).for_listing(request).upcoming()
            if agenda
            else EventPage.objects.none()
        )
        context.update(hub_context(request, events))
        context["agenda_page"] = agenda
        context["child_pages"] = list(visible_to(self.get_children().live(), request))
        return context


class EventIndexPage(RoutablePageMixin, SectionPage):
    """The agenda: the programme's meetings, seminars and regional days; their iCalendar feed."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")

    def get_context(self, request, *args, **kwargs):
        """Upcoming events first (soonest first), then past ones (latest first), paginated.

        Each page of the listing is kept rendered per reader's rights (``core.fragments``): it
        shows nothing about its reader but which events and structures they may see. Kept for
        plain page numbers only (any other ``?page=`` is shown as Django's paginator reads it,
        not kept), never in a preview. "Upcoming" turns into "past" within the fragment's age
        (``RAA_FRAGMENT_CACHE_SECONDS``).
        """
        context = super().get_context(request, *args, **kwargs)
        context["feed_url"] = self.get_feed_url(request)
        number = fragments.page_number(request)
        context["listing_fragment"] = None if number is None else f"agenda-{self.pk}-page-{number}"
        if number is not None and fragments.lookup(context["listing_fragment"], request):
            return context
        # The path range lets SQLite use the tree path's index (child_of alone is a LIKE that
        # reads the whole page tree).
        last_child = self.path + EventPage.alphabet[-1] * EventPage.steplen
        events = EventPage.objects.child_of(self).filter(path__gt=self.path, path__lte=last_child)
        events = events.for_listing(request)
        now = timezone.now()
        agenda = Agenda(events.upcoming(now), events.past(now))
        page = Paginator(agenda, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        context["events"] = page
        return context

    def get_feed_url(self, request=None):
        """The address of the agenda's iCalendar feed, or None while the page has no URL."""
        url = self.get_url(request)
        return url + self.reverse_subpage("feed") if url else None

    @path(f"{CALENDAR_ROUTE}/", name="feed")
    def feed(self, request):
        """Every live public event of the agenda; members-only events are never in it."""
        events = EventPage.objects.child_of(self).live().public().order_by("start", "pk")
        return calendar_response(
            request, events, filename="agenda-reseau-raa.ics", name=_("RAA network agenda")
        )


class EventPageQuerySet(PageQuerySet):
    def with_finish(self):
        """Annotate ``finish``: the end of each event, or its start when it has no end."""
        return self.annotate(finish=Coalesce("end", "start"))

    def upcoming(self, now=None):
        """Events not over yet (in progress or to come), soonest first."""
        now = now or timezone.now()
        return self.with_finish().filter(finish__gte=now).order_by("start", "pk")

    def past(self, now=None):
        """Events already over, latest first."""
        now = now or timezone.now()
        return self.with_finish().filter(finish__lt=now).order_by("-start", "-pk")

    def for_search(self):
        """What ``search_entries`` reads, in a fixed number of queries for any number."""
        return self.prefetch_related(
            models.Prefetch(
                "structures", queryset=StructurePage.objects.select_related("departement")
            )
        )

    def for_listing(self, request):
        """Live events ``request``'s reader may see, with the structures they may see.

        The structures are in ``listed_structures`` (one query for the whole listing).
        """
        structures = visible_to(StructurePage.objects.live(), request).order_by("title")
        return visible_to(self.live(), request).prefetch_related(
            models.Prefetch("structures", queryset=structures, to_attr="listed_structures")
        )


class Agenda:
    """Upcoming events then past events as one sequence that Django's ``Paginator`` slices.

    A slice holds at most two queries' worth of events, whatever the size of the agenda; it is
    an ``AgendaSlice``, which tells the upcoming part from the past one.
    """

    def __init__(self, upcoming, past):
        self.upcoming = upcoming
        self.past = past

    @cached_property
    def upcoming_count(self):
        return self.upcoming.count()

    def count(self):
        return self.upcoming_count + self.past.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Agenda only supports contiguous slices.")
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        split = self.upcoming_count
        upcoming = list(self.upcoming[start : min(stop, split)]) if start < split else []
        past = list(self.past[max(start - split, 0) : stop - split]) if stop > split else []
        return AgendaSlice(upcoming, past)


class AgendaSlice(list):
    """Events of one page of the agenda, with ``upcoming`` and ``past`` apart."""

    def __init__(self, upcoming, past):
        super().__init__([*upcoming, *past])
        self.upcoming = upcoming
        self.past = past


class EventPage(EventRegistrationMixin, RoutablePageMixin, Page):
    """One event of the programme: an inter-structure meeting, a seminar, a regional day."""

    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(
        _("end"), null=True, blank=True, help_text=_("Leave empty if the end is not known.")
    )
    place = models.CharField(
        _("place"),
        max_length=255,
        blank=True,
        help_text=_("Venue and town, for example: Hôtel de Région, Bordeaux."),
    )
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Address (http or https) to join the event online, if it is held online."),
    )
    description = RichTextField(
        _("description"), blank=True, features=["h3", "bold", "italic", "link", "ol", "ul"]
    )
    structures = ParentalManyToManyField(
        "knowledge.StructurePage",
        blank=True,
        related_name="events",
        verbose_name=_("structures concerned"),
    )
    related_posts = ParentalManyToManyField(
        "blog.BlogPostPage",
        blank=True,
        related_name="events",
        verbose_name=_("related posts"),
        help_text=_("Blog posts announcing or reporting on the event."),
    )

    objects = PageManager.from_queryset(EventPageQuerySet)()

    parent_page_types = ["website.EventIndexPage"]
    subpage_types = []

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Date and time")),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("online_url")], heading=_("Location")),
        FieldPanel("description"),
        FieldPanel("structures", widget=forms.CheckboxSelectMultiple),
        FieldPanel("related_posts", widget=forms.CheckboxSelectMultiple),
        *EventRegistrationMixin.registration_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("place"),
        index.FilterField("start"),
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The end must not be before the start.")
        if self.slug == CALENDAR_ROUTE:
            errors["slug"] = _("This slug is the address of the agenda's calendar file.")
        if errors:
            raise ValidationError(errors)

    def search_entries(self):
        """The site search's entry, dated by the event's start."""
        structures = list(self.structures.all())
        return [
            IndexEntry.of_page(
                self,
                "event",
                summary=self.place,
                body=rich_text(self.description),
                date=local_date(self.start),
                structure=first_structure(structures),
                facets=structure_facets(structures),
            )
        ]

    @property
    def location(self):
        """Where the event takes place, for a calendar: the place, else the online link."""
        return self.place or self.online_url

    def get_ics_url(self, request=None):
        """The address of this event's iCalendar file, or None while the page has no URL."""
        url = self.get_url(request)
        return url + self.reverse_subpage("ics") if url else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read the chosen pages from the relation itself: in a preview it lives in memory only.
        chosen = [structure.pk for structure in self.structures.all()]
        structures = StructurePage.objects.filter(pk__in=chosen).live().order_by("title")
        context["structures"] = list(visible_to(structures, request))
        chosen = [post.pk for post in self.related_posts.all()]
        # The blog's model through the relation: ``website`` does not import the blog app.
        post_model = self._meta.get_field("related_posts").related_model
        posts = post_model.objects.filter(pk__in=chosen).live().order_by("-date", "-pk")
        context["related_posts"] = list(visible_to(posts, request))
        context["ics_url"] = self.get_ics_url(request)
        context["registration"] = self.get_registration_panel(request)
        return context

    @path(f"{CALENDAR_ROUTE}/", name="ics")
    def ics(self, request):
        """This event alone; Wagtail's view restrictions apply, as to the page itself."""
        return calendar_response(request, [self], filename=f"{self.slug}.ics", name=self.title)


class ContactPage(Page):
    """A form that writes to the coordination of the network (accessibility, questions)."""

    # Its form carries a CSRF token: never kept for the next visitor (core.page_cache).
    cache_anonymous_views = False

    introduction = RichTextField(
        _("introduction"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ul"]
    )
    to_address = models.EmailField(
        _("recipient address"),
        blank=True,
        help_text=_("Where the messages go. Empty: to every coordinator of the network."),
    )
    thank_you_text = models.CharField(
        _("thank-you message"),
        max_length=255,
        blank=True,
        help_text=_("Shown once the message is sent. Empty: a standard message."),
    )

    parent_page_types = ["website.HomePage"]
    subpage_types = []
    max_count = 1
    search_demoted = True  # a technical page: the site search ranks it below content

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("to_address"),
        FieldPanel("thank_you_text"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")

    def serve(self, request, *args, **kwargs):
        """The form; on a valid message, one email to the coordination, then back here with
        a confirmation (post/redirect/get)."""
        if request.method == "POST":
            form = ContactForm(request.POST)
            if form.is_valid():
                recipients = coordination_addresses(self.to_address)
                if not recipients:
                    form.add_error(None, UNAVAILABLE_MESSAGE)
                elif contact_rate_limited(request):
                    form.add_error(None, RATE_LIMITED_MESSAGE)
                else:
                    send_contact_message(form, recipients)
                    messages.success(request, self.thank_you_text or DEFAULT_THANK_YOU)
                    return redirect(self.get_url(request))
        else:
            form = ContactForm(initial={"topic": request.GET.get("sujet", "")})
        context = self.get_context(request, *args, **kwargs)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context)
