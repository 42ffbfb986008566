"""The two groups every right on the site is expressed with (Wagtail's own groups).

``members`` creates them and keeps people in them; every app reads them from here.
"""

COORDINATORS_GROUP = "Coordination"
MEMBERS_GROUP = "Membres du réseau"
