"""What every app's demo builder shares: pages found by slug before they are created."""

import datetime


def get_or_create_child(parent, page_class, slug, **fields):
    """The child of ``parent`` with ``slug``; created and published from ``fields`` if missing.

    Returns ``(page, created)``.
    """
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing, False
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def working_day(day):
    """``day``, or the Monday after it when it falls on a weekend: the demo's meetings,
    decisions and events all fall on working days."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day
