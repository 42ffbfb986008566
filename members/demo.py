"""Local demo accounts. Their passwords are public: never on a real site."""

from allauth.account.models import EmailAddress

from .models import User

# (email, password, first name, last name, is coordinator)
DEMO_ACCOUNTS = [
    ("coordination@exemple.fr", "demo-coordination", "Camille", "Coordination", True),
    ("pessac@exemple.fr", "demo-pessac", "Référent", "Pessac (exemple)", False),
    ("membre@exemple.fr", "demo-membre", "Membre", "du réseau (exemple)", False),
]


def build_accounts(stdout):
    """Create the demo accounts with verified email addresses; print how to log in."""
    for email, password, first_name, last_name, is_coordinator in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": is_coordinator,
                "is_superuser": is_coordinator,
            },
        )
        if created:
            user.set_password(password)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        stdout.write(f"  {email} / {password}{' (created)' if created else ''}")
