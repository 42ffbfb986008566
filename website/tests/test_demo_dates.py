"""The agenda's illustrative events ahead never fall on a weekend, whatever the day of loading."""

import datetime
from io import StringIO

import pytest
from django.utils import timezone

from core.demo import working_day
from website.demo import build_events
from website.models import EventPage
from website.tests.factories import EventIndexPageFactory


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 4)),  # a Friday stays
        (datetime.date(2026, 12, 5), datetime.date(2026, 12, 7)),  # a Saturday: Monday
        (datetime.date(2026, 12, 6), datetime.date(2026, 12, 7)),  # a Sunday: Monday
    ],
)
def test_working_day(day, expected):
    assert working_day(day) == expected


def test_events_ahead_avoid_sundays_even_when_a_month_ahead_is_one(home_page, monkeypatch):
    # Loaded on 6 November 2026: thirty days later is Sunday 6 December.
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 11, 6))
    agenda = EventIndexPageFactory(parent=home_page)

    build_events(agenda, StringIO())

    days = [timezone.localtime(event.start).date() for event in EventPage.objects.all()]
    assert len(days) == 4
    assert all(day.weekday() < 5 for day in days), days
