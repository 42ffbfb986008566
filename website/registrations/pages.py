"""``EventRegistrationMixin``: an event's sign-up fields, panel and routes."""

from wagtail.contrib.routable_page.models import path

from . import services, views
from .models import RegistrationFields


class EventRegistrationMixin(RegistrationFields):
    """Mixed into ``EventPage`` (left of ``RoutablePageMixin``): ``inscription/`` and
    ``desinscription/`` take a member's POST; ``inscrits/`` (and its CSV) is the coordinators'
    list of attendees."""

    class Meta:
        abstract = True

    @property
    def cache_anonymous_views(self):
        # The places left change with every registration: such a page is served fresh.
        return not self.registration_open

    def get_registration_panel(self, request):
        return services.panel_for(self, request)

    def get_attendees_url(self, request=None):
        url = self.get_url(request)
        return url + self.reverse_subpage("attendees") if url else None

    @path("inscription/", name="register")
    def register_route(self, request):
        return views.register(self, request)

    @path("desinscription/", name="cancel_registration")
    def cancel_route(self, request):
        return views.cancel(self, request)

    @path("inscrits/", name="attendees")
    def attendees_route(self, request):
        return views.attendees(self, request)

    @path("inscrits/csv/", name="attendees_csv")
    def attendees_csv_route(self, request):
        return views.attendees_csv(self, request)
