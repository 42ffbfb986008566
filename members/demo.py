"""Local demo accounts with their roles. Their passwords are public: never on a real site."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from knowledge.models import StructurePage

from .models import Membership, StructureTeam, User
from .permissions import make_coordinator

# Teams that publish their structure page without waiting for a coordinator, so that the demo
# shows a referent's update on the page and the dashboard at once.
DIRECT_PUBLISHING = {"pessac"}

# (email, password, first name, last name, job title, role, structure slug)
DEMO_ACCOUNTS = [
    (
        "coordination@exemple.fr",
        "demo-coordination",
        "Camille",
        "Coordination",
        "Coordinatrice du réseau (exemple)",
        "coordinator",
        None,
    ),
    (
        "pessac@exemple.fr",
        "demo-pessac",
        "Dominique",
        "Référent Pessac",
        "Agent référent achats responsables (exemple)",
        Membership.Role.STAFF_REFERENT,
        "pessac",
    ),
    (
        "membre@exemple.fr",
        "demo-membre",
        "Claude",
        "Membre",
        "Acheteuse publique (exemple)",
        "member",
        None,
    ),
]


def build_accounts(stdout):
    """Create the demo accounts, verified and with their roles; print how to log in."""
    for email, password, first, last, job, role, structure_slug in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"first_name": first, "last_name": last, "job_title": job},
        )
        if created:
            user.set_password(password)
        user.status = User.Status.APPROVED
        user.status_changed_at = user.status_changed_at or timezone.now()
        user.profile_visibility = User.Visibility.PUBLIC
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "coordinator":
            make_coordinator(user)
        elif structure_slug:
            structure = StructurePage.objects.get(slug=structure_slug)
            Membership.objects.update_or_create(
                user=user, structure=structure, defaults={"role": role}
            )
            if not user.structure_id:
                user.structure = structure
                user.save()
            if structure_slug in DIRECT_PUBLISHING:
                team = StructureTeam.objects.get(structure=structure)
                if not team.direct_publishing:
                    team.direct_publishing = True
                    team.save()
        label = {"coordinator": "coordination", "member": "membre du réseau"}.get(role) or str(
            Membership.Role(role).label
        )
        stdout.write(f"  {email} / {password}  ({label}){' (created)' if created else ''}")
