"""Event sign-ups: members register for an event of the agenda, within its capacity and before
its deadline, or join its waiting list; coordinators see, export and write to the attendees; a
structure's team sees who from its structure comes."""
