"""The rules of sign-ups: who may register, when, within which capacity; the waiting list;
cancellation; the emails each step sends.

Race-safe: each change runs in a transaction that first locks the event's row (on PostgreSQL;
SQLite's transactions are ``IMMEDIATE`` on this site, so writers already queue), so two
requests never both take the last place, and the constraint
``one_active_registration_per_event`` keeps one active registration per person.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.ics import build_calendar
from core.links import absolute_url
from core.mail import send_templated
from core.visibility import reader_of
from members.models import Membership

from .models import Registration

ICS_MIMETYPE = "text/calendar"


class RegistrationRefused(Exception):
    """A registration or cancellation that the rules refuse; ``message`` says why, in French."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class State:
    """Whether an event takes registrations now."""

    DISABLED = "disabled"  # the event does not take registrations on the site
    OPEN = "open"
    DEADLINE_PASSED = "deadline-passed"
    STARTED = "started"


def state_of(event, now=None):
    now = now or timezone.now()
    if not event.registration_open:
        return State.DISABLED
    if event.start <= now:
        return State.STARTED
    if event.registration_deadline and event.registration_deadline < now:
        return State.DEADLINE_PASSED
    return State.OPEN


def local_moment(moment):
    """``moment`` as French readers read it: "14 mars 2026 à 18:00"."""
    moment = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {
        "date": date_format(moment, "j F Y"),
        "time": date_format(moment, "H:i"),
    }


def refusal_for(state, event):
    if state == State.DISABLED:
        return _("This event does not take registrations on the site.")
    if state == State.STARTED:
        return _("This event has already started: registrations are closed.")
    return _("Registrations for this event closed on %(date)s.") % {
        "date": local_moment(event.registration_deadline)
    }


def may_register(user):
    """Approved network members (coordinators included); not visitors, pending or refused
    accounts."""
    return bool(user.is_authenticated and user.is_network_member)


def _locked(event):
    """``event`` read again inside the transaction, its row locked until the commit."""
    return type(event).objects.select_for_update(of=("self",)).get(pk=event.pk)


def waiting_position(registration):
    """1 for the first person on the waiting list."""
    earlier = Q(created_at__lt=registration.created_at) | Q(
        created_at=registration.created_at, pk__lt=registration.pk
    )
    return (
        Registration.objects.waiting()
        .filter(event_id=registration.event_id)
        .filter(earlier)
        .count()
        + 1
    )


def register(event, user, request=None, now=None):
    """Register ``user`` for ``event``: a place when one is left, else the waiting list.

    Returns the ``Registration``; raises ``RegistrationRefused`` (nothing changed) when the
    account may not register, the event is closed, or ``user`` is already registered. The
    confirmation (with the event's ``.ics``) or waiting-list email leaves after the commit.
    """
    if not may_register(user):
        raise RegistrationRefused(
            _("Only network members can register: your account has not been approved yet.")
        )
    with transaction.atomic():
        event = _locked(event)
        state = state_of(event, now)
        if state != State.OPEN:
            raise RegistrationRefused(refusal_for(state, event))
        registrations = Registration.objects.filter(event=event)
        if registrations.active().filter(user=user).exists():
            raise RegistrationRefused(_("You are already registered for this event."))
        full = (
            event.registration_capacity is not None
            and registrations.confirmed().count() >= event.registration_capacity
        )
        status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event, user=user, structure_id=user.structure_id, status=status
                )
        except IntegrityError:
            raise RegistrationRefused(_("You are already registered for this event.")) from None
        send_after_commit(registration, request)
    return registration


def cancel(event, user, request=None, now=None):
    """Cancel ``user``'s registration for ``event``; a place it frees goes to the first person
    on the waiting list, who is emailed. Returns the people promoted (a list)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        registration = (
            Registration.objects.active().select_for_update().filter(event=event, user=user).first()
        )
        if registration is None:
            raise RegistrationRefused(_("You are not registered for this event."))
        if event.start <= now:
            raise RegistrationRefused(
                _("This event has already started: the registration can no longer be cancelled.")
            )
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        promoted = promote_waiting(event, request)
    return promoted


def promote_waiting(event, request=None):
    """Give the free places of ``event`` to the waiting list, first come first served, and
    email each person promoted. Call inside a transaction that locked the event."""
    if event.registration_capacity is None:
        free = None
    else:
        free = event.registration_capacity - (
            Registration.objects.filter(event=event).confirmed().count()
        )
        if free <= 0:
            return []
    waiting = Registration.objects.filter(event=event).waiting().select_related("user")
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        registration.event = event
        send_after_commit(registration, request, promoted=True)
    return promoted


def calendar_attachment(event, request):
    """The event's ``.ics`` as an email attachment ``[filename, text, mimetype]``."""
    calendar = build_calendar(request, [event], event.title)
    return [f"{event.slug}.ics", calendar.to_ical().decode(), ICS_MIMETYPE]


def send_after_commit(registration, request=None, promoted=False):
    """Queue, once the transaction commits, the email telling the person where they stand."""
    event, user = registration.event, registration.user
    url = event.get_url(request)
    context = {
        "recipient": user,
        "event": event,
        "when": local_moment(event.start),
        "event_url": absolute_url(url) if url else "",
    }
    if registration.status == Registration.Status.CONFIRMED:
        prefix = "website/registrations/email/" + ("promoted" if promoted else "confirmed")
        attachments = [calendar_attachment(event, request)]
    else:
        prefix = "website/registrations/email/waiting"
        context["position"] = waiting_position(registration)
        attachments = []
    transaction.on_commit(
        lambda: send_templated(prefix, user.email, context, attachments=attachments)
    )


def email_attendees(event, subject, message, sender, request=None):
    """Queue ``message`` to each confirmed attendee of ``event``, one email each (nobody sees
    the others' addresses). Returns the number of emails."""
    url = event.get_url(request)
    registrations = Registration.objects.filter(event=event).confirmed().select_related("user")
    count = 0
    for registration in registrations:
        context = {
            "recipient": registration.user,
            "event": event,
            "subject": subject,
            "message": message,
            "sender": sender,
            "event_url": absolute_url(url) if url else "",
        }
        send_templated("website/registrations/email/attendees", registration.user.email, context)
        count += 1
    return count


@dataclass
class Panel:
    """What the event page shows about sign-ups to one reader."""

    state: str
    capacity: int | None = None
    confirmed: int = 0
    waiting: int = 0
    mine: Registration | None = None
    position: int | None = None
    may_register: bool = False
    is_coordinator: bool = False
    team: list = field(default_factory=list)

    @property
    def places_left(self):
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed, 0)

    @property
    def is_full(self):
        return self.capacity is not None and self.confirmed >= self.capacity


def panel_for(event, request, now=None):
    """The sign-up panel of ``event`` for ``request``'s reader, in at most five queries: the
    counts, the reader's registration, its waiting-list position, and, for a structure team,
    its memberships and its structures' registrations."""
    state = state_of(event, now)
    if state == State.DISABLED or not event.pk:
        return None
    counts = Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
    )
    panel = Panel(state=state, capacity=event.registration_capacity, **counts)
    user = request.user
    if not user.is_authenticated:
        return panel
    panel.may_register = may_register(user)
    panel.is_coordinator = reader_of(request).is_coordinator
    panel.mine = Registration.objects.active().filter(event=event, user=user).first()
    if panel.mine and panel.mine.status == Registration.Status.WAITING:
        panel.position = waiting_position(panel.mine)
    if panel.may_register and not panel.is_coordinator:
        panel.team = team_registrations(event, user)
    return panel


def team_registrations(event, user):
    """The active registrations for ``event`` of people from the structures whose project
    team ``user`` belongs to (the people a team brings), by structure then name."""
    structures = Membership.objects.filter(user=user).values("structure_id")
    return list(
        Registration.objects.active()
        .filter(event=event, structure__in=structures)
        .for_listing()
        .order_by("structure__title", "user__last_name", "user__first_name", "pk")
    )


def places_added(sender, instance, **kwargs):
    """``page_published``: an event published with more places (or no limit any more) gives them to
    its waiting list at once."""
    if not getattr(instance, "registration_open", False):
        return
    with transaction.atomic():
        promote_waiting(_locked(instance))
