"""Keeps Wagtail's groups and permissions in step with roles, memberships and structures.

Every function here is idempotent: it makes the database match the records, whatever it held.

- Coordinators (group "Coordination"): every page, document and image permission, approvals,
  invitations, users; they review the moderation workflow.
- Network members (group "Membres du réseau"): no admin access; members-only pages and
  collections are restricted to this group (and to coordinators).
- Each structure's team (one group per structure, from ``StructureTeam``): admin access, add and
  edit on its structure page and below, add on the lessons learned index and on the blog index
  (their lessons and posts are submitted for moderation), publish only when a coordinator granted
  direct publishing; add and choose in the structure's own image and document collection.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.dispatch import Signal
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from knowledge.models import LessonIndexPage, StructurePage

from .models import COORDINATORS_GROUP, MEMBERS_GROUP, StructureTeam, User

# Sent with ``team=`` each time a team's rights are synced: apps above ``members`` add the
# rights a team needs on their own pages (the blog lets teams add posts).
team_synced = Signal()

WORKFLOW_NAME = "Validation par la coordination"
ALL_PAGE_PERMISSIONS = ["add", "change", "publish", "lock", "unlock", "bulk_delete"]
MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "delete_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "delete_document", "choose_document"],
}
TEAM_MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "choose_image"],
    "wagtaildocs": ["add_document", "choose_document"],
}
COORDINATOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("members", "approve_member"),
    ("members", "invite_member"),
    ("members", "add_user"),
    ("members", "change_user"),
    ("members", "delete_user"),
    ("members", "view_user"),
    ("members", "view_structureteam"),
    ("members", "change_structureteam"),
    ("members", "view_invitation"),
    ("members", "add_membership"),
    ("members", "change_membership"),
    ("members", "delete_membership"),
    ("members", "view_membership"),
    ("members", "delete_invitation"),
    # The cockpit's programme date (website.ProgrammeSettings, a site setting).
    ("website", "change_programmesettings"),
    ("website", "view_programmesettings"),
    *[
        ("knowledge", f"{action}_{model}")
        for model in [
            "structuretype",
            "departement",
            "territorycontext",
            "sustainabilitycommitment",
            "purchasingorganisation",
            "sector",
            "theme",
            "handoutitem",
            "question",
            "lessonkind",
            "sustainabilitydimension",
            "legallever",
            "buyingstep",
        ]
        for action in ["add", "change", "delete", "view"]
    ],
]


def permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def page_permission(permission_type):
    return Permission.objects.get(
        content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
    )


def media_permissions(spec):
    return [permission(app, codename) for app, codenames in spec.items() for codename in codenames]


def set_page_permissions(group, page, permission_types):
    """Give ``group`` exactly ``permission_types`` on ``page`` (and below)."""
    wanted = {page_permission(kind) for kind in permission_types}
    existing = GroupPagePermission.objects.filter(group=group, page=page)
    existing.exclude(permission__in=wanted).delete()
    for perm in wanted:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=perm)


def set_collection_permissions(group, collection, perms):
    existing = GroupCollectionPermission.objects.filter(group=group, collection=collection)
    existing.exclude(permission__in=perms).delete()
    for perm in perms:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=perm
        )


@transaction.atomic
def setup_roles():
    """The coordinators' and members' groups, and the moderation workflow on the whole tree."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    Group.objects.get_or_create(name=MEMBERS_GROUP)
    coordinators.permissions.add(
        *[permission(app, codename) for app, codename in COORDINATOR_MODEL_PERMISSIONS]
    )
    root_page = Page.get_first_root_node()
    if root_page is not None:
        set_page_permissions(coordinators, root_page, ALL_PAGE_PERMISSIONS)
        setup_workflow(coordinators, root_page)
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        set_collection_permissions(
            coordinators, root_collection, media_permissions(MEDIA_PERMISSIONS)
        )
    return coordinators


def setup_workflow(coordinators, root_page):
    """One workflow for the whole tree: a coordinator approves before anything is published."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    task.groups.add(coordinators)
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


@transaction.atomic
def sync_structure_team(structure):
    """Create or update the group, collection and permissions of ``structure``'s team."""
    team = StructureTeam.objects.filter(structure=structure).select_related("group").first()
    name = f"Équipe : {structure.title}"[:150]
    if team is None:
        group, _ = Group.objects.get_or_create(name=name)
        root_collection = Collection.get_first_root_node()
        collection = root_collection.add_child(name=structure.title[:255])
        team = StructureTeam.objects.create(structure=structure, group=group, collection=collection)
    elif team.group.name != name:
        team.group.name = name
        team.group.save(update_fields=["name"])

    group = team.group
    group.permissions.add(permission("wagtailadmin", "access_admin"))
    # Publishing on the structure's own pages only: publish on /blog/ would cover every
    # structure's posts, so posts stay moderated (the blog step refines this per post).
    set_page_permissions(
        group,
        structure.page_ptr,
        ["add", "change", *(["publish"] if team.direct_publishing else [])],
    )
    set_collection_permissions(group, team.collection, media_permissions(TEAM_MEDIA_PERMISSIONS))
    # A team writes lessons learned (and edits those it wrote), submitted for validation.
    lesson_index = LessonIndexPage.objects.first()
    if lesson_index is not None:
        set_page_permissions(group, lesson_index.page_ptr, ["add"])
    team_synced.send(sender=StructureTeam, team=team)
    return team


def sync_all_structure_teams():
    for structure in StructurePage.objects.all():
        sync_structure_team(structure)


@transaction.atomic
def sync_user_groups(user):
    """Put ``user`` in the members' group and the team groups that their records call for."""
    members, _ = Group.objects.get_or_create(name=MEMBERS_GROUP)
    if user.status == User.Status.APPROVED and user.is_active:
        user.groups.add(members)
    else:
        user.groups.remove(members)

    wanted = (
        set(
            StructureTeam.objects.filter(structure__memberships__user=user).values_list(
                "group_id", flat=True
            )
        )
        if user.status == User.Status.APPROVED
        else set()
    )
    current = set(user.groups.filter(structure_team__isnull=False).values_list("pk", flat=True))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))


def remove_team_rights(user_id, structure_id):
    """Take ``structure_id``'s team group away from ``user_id``."""
    User.groups.through.objects.filter(
        user_id=user_id, group__structure_team__structure_id=structure_id
    ).delete()


def make_coordinator(user):
    """Give ``user`` the coordinator role (and approve them)."""
    user.status = User.Status.APPROVED
    user.save()
    user.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    sync_user_groups(user)


def members_groups():
    return [
        Group.objects.get_or_create(name=MEMBERS_GROUP)[0],
        Group.objects.get_or_create(name=COORDINATORS_GROUP)[0],
    ]


def restrict_to_members(page):
    """Make ``page`` and its subtree readable by network members and coordinators only."""
    restriction, _ = PageViewRestriction.objects.get_or_create(
        page=page, defaults={"restriction_type": PageViewRestriction.GROUPS}
    )
    restriction.restriction_type = PageViewRestriction.GROUPS
    restriction.save()
    restriction.groups.set(members_groups())
    return restriction


def members_only_collection(name):
    """A collection (child of the root) whose documents only members may download."""
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first() or root.add_child(name=name)
    restriction, _ = CollectionViewRestriction.objects.get_or_create(
        collection=collection, defaults={"restriction_type": CollectionViewRestriction.GROUPS}
    )
    restriction.groups.set(members_groups())
    return collection
