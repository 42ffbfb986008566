"""Signed one-click unsubscribe links: they pause follows without logging in."""

from django.core import signing

# Unchanged since follows lived in ``members``: links already sent must keep working.
UNSUBSCRIBE_SALT = "members.follows.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 120  # seconds: a digest stays actionable for four months


def unsubscribe_token(user, follows):
    """A signed token that pauses ``follows`` of ``user``."""
    return signing.dumps(
        {"u": user.pk, "f": sorted(follow.pk for follow in follows)},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def read_unsubscribe_token(token):
    """``(user_id, [follow ids])`` from a token, or None when it is forged, broken or expired."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    try:
        user_id, follow_ids = int(data["u"]), [int(pk) for pk in data["f"]]
    except (KeyError, TypeError, ValueError):
        return None
    return user_id, follow_ids


# Reminders are not follows: their links carry the person only, under a salt of their own, so
# a reminder's link can never pause follows and a digest's link never stops reminders.
REMINDER_SALT = "follows.reminders.unsubscribe"


def reminder_unsubscribe_token(user):
    """A signed token that stops the weekly reminders of ``user``."""
    return signing.dumps({"u": user.pk}, salt=REMINDER_SALT)


def read_reminder_unsubscribe_token(token):
    """The user id from a reminder token, or None when it is forged, broken or expired."""
    try:
        data = signing.loads(token, salt=REMINDER_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:
        return None
    try:
        return int(data["u"])
    except (KeyError, TypeError, ValueError):
        return None
