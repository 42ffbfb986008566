"""Who may read a resource and its files, carried out with Wagtail's own restrictions.

- *public*: no restriction of ours on the page; its files stay where they are.
- *members*: the page is private to the groups *Membres du réseau* and *Coordination*; its
  files are moved into the collection "Ressources réservées aux membres", restricted the same way.
- *team*: the page is private to the structure's team and *Coordination*; its files go into
  "Ressources de l'équipe : <structure>", restricted the same way. A structure's team is the
  groups given rights on the structure's page (``members`` keeps that in step).

Wagtail's page serving, its document view and ``core.visibility`` (listings, search, feeds,
follows) then apply the rule. A document already in a collection at least as strict is left
where it is. The page filters its files by the reader's collections too, so a file that sits in
a stricter collection than its resource is listed only to those who may open it.
"""

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from core.roles import COORDINATORS_GROUP, MEMBERS_GROUP
from core.visibility import collection_restrictions, unreadable_collection_ids

MEMBERS_COLLECTION = "Ressources réservées aux membres"
TEAM_COLLECTION = "Ressources de l'équipe : {structure}"


class ResourceAudience(models.TextChoices):
    PUBLIC = "public", _("everyone")
    MEMBERS = "members", _("network members")
    TEAM = "team", _("one structure's team")


def members_groups():
    return [
        Group.objects.get_or_create(name=name)[0] for name in (MEMBERS_GROUP, COORDINATORS_GROUP)
    ]


def team_groups(structure):
    """The structure's team group(s) (those with rights on its page) and the coordinators."""
    teams = list(Group.objects.filter(page_permissions__page_id=structure.pk).distinct())
    coordinators = Group.objects.get_or_create(name=COORDINATORS_GROUP)[0]
    return [group for group in teams if group.pk != coordinators.pk] + [coordinators]


def wanted_groups(page):
    """The groups the resource is kept to, or None for a public one."""
    if page.audience == ResourceAudience.MEMBERS:
        return members_groups()
    if page.audience == ResourceAudience.TEAM and page.team_structure_id:
        return team_groups(page.team_structure)
    if page.audience == ResourceAudience.TEAM:
        return [Group.objects.get_or_create(name=COORDINATORS_GROUP)[0]]
    return None


def restricted_collection(name, groups):
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first() or root.add_child(name=name)
    restriction, _ = CollectionViewRestriction.objects.get_or_create(
        collection=collection, defaults={"restriction_type": CollectionViewRestriction.GROUPS}
    )
    if restriction.restriction_type != CollectionViewRestriction.GROUPS:
        restriction.restriction_type = CollectionViewRestriction.GROUPS
        restriction.save()
    restriction.groups.set(groups)
    return collection


def audience_collection(page, groups):
    if page.audience == ResourceAudience.MEMBERS:
        return restricted_collection(MEMBERS_COLLECTION, groups)
    title = page.team_structure.title if page.team_structure_id else "?"
    return restricted_collection(TEAM_COLLECTION.format(structure=title)[:255], groups)


def managed_group_sets(page):
    """Group sets a restriction of ours may hold: those we replace when the audience changes."""
    sets = [{g.pk for g in members_groups()}]
    if page.team_structure_id:
        sets.append({g.pk for g in team_groups(page.team_structure)})
    return sets


@transaction.atomic
def sync_audience(page):
    """Make the page's view restriction and its files' collection match ``page.audience``."""
    groups = wanted_groups(page)
    existing = list(PageViewRestriction.objects.filter(page_id=page.pk).prefetch_related("groups"))
    if groups is None:
        # Only a restriction this code would have set goes: one an editor set by hand stays.
        managed = managed_group_sets(page)
        for restriction in existing:
            ids = {group.pk for group in restriction.groups.all()}
            if restriction.restriction_type == PageViewRestriction.GROUPS and ids in managed:
                restriction.delete()
        return
    restriction = existing[0] if existing else None
    if restriction is None:
        restriction = PageViewRestriction.objects.create(
            page_id=page.pk, restriction_type=PageViewRestriction.GROUPS
        )
    elif restriction.restriction_type != PageViewRestriction.GROUPS:
        restriction.restriction_type = PageViewRestriction.GROUPS
        restriction.save()
    restriction.groups.set(groups)
    move_files(page, audience_collection(page, groups))


def move_files(page, collection):
    """Put the resource's documents into ``collection`` unless they sit in one as strict."""
    document_ids = [row.document_id for row in page.files.all() if row.document_id]
    if not document_ids:
        return
    documents = get_document_model().objects.filter(pk__in=document_ids)
    if page.audience == ResourceAudience.MEMBERS:
        restricted_paths = [r.path for r in collection_restrictions()]
        keep = [
            doc.pk
            for doc in documents.select_related("collection")
            if any(doc.collection.path.startswith(path) for path in restricted_paths)
        ]
        documents = documents.exclude(pk__in=keep)
    else:
        documents = documents.exclude(collection__path__startswith=collection.path)
    documents.update(collection=collection)


def resource_files_context(page, request):
    """The attachments the reader may open: ``[{"label", "slug", "current", "previous"}]``,
    each version newest first. One query for the rows and their documents."""
    hidden = unreadable_collection_ids(request)
    rows = [
        row
        for row in page.files.all().select_related("document")
        if row.document is not None and row.document.collection_id not in hidden
    ]
    attachments = {}
    for row in rows:
        attachments.setdefault(row.slug, []).append(row)
    result = []
    for slug, versions in attachments.items():
        versions.sort(key=lambda row: (row.version_date, row.pk or 0), reverse=True)
        result.append(
            {
                "label": versions[0].label,
                "slug": slug,
                "current": versions[0],
                "previous": versions[1:],
            }
        )
    return result


def file_download_response(page, request, label):
    """A redirect to the newest version of ``label`` the reader may open, else a 404."""
    for attachment in resource_files_context(page, request):
        if attachment["slug"] == slugify(label):
            return redirect(attachment["current"].document.url)
    raise Http404(_("This file is not attached to the resource."))
