"""Every page type of the project previews: in the edit view, the draft view and the
coordinator's workflow preview, with its relations (tags, categories, inline items) and
without them.

The page types come from Wagtail's registry, so a new type is covered as soon as it exists;
the demo content must hold one page of each type.
"""

from http import HTTPStatus

import pytest
from wagtail.admin.panels import get_edit_handler
from wagtail.blocks import ListBlock, StreamBlock, StructBlock
from wagtail.blocks.stream_block import StreamValue
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowTask, get_page_models
from wagtail.test.utils.form_data import querydict_from_html

from members.tests.factories import UserFactory

PROJECT_APPS = {"core", "knowledge", "members", "blog", "follows", "search", "website"}
# Editors create and edit every page type but the trash's folder (``is_creatable = False``).
PAGE_TYPES = sorted(
    (
        model
        for model in get_page_models()
        if model._meta.app_label in PROJECT_APPS and model.is_creatable
    ),
    key=lambda model: model._meta.label,
)
VARIANTS = ["with_relations", "without_relations"]


@pytest.fixture
def editor(db, demo_tree):
    return UserFactory(is_superuser=True, is_staff=True, status="approved")


def block_data(block, value, prefix):
    """The admin's POST data for a StreamField value (rendered by JavaScript in the editor)."""
    if isinstance(block, StreamBlock):
        children = list(value or [])
        data = {f"{prefix}-count": str(len(children))}
        for i, child in enumerate(children):
            data.update(
                {
                    f"{prefix}-{i}-type": child.block_type,
                    f"{prefix}-{i}-deleted": "",
                    f"{prefix}-{i}-order": str(i),
                    f"{prefix}-{i}-id": child.id or "",
                }
            )
            data.update(block_data(child.block, child.value, f"{prefix}-{i}-value"))
        return data
    if isinstance(block, StructBlock):
        data = {}
        for name, child_block in block.child_blocks.items():
            data.update(block_data(child_block, value.get(name), f"{prefix}-{name}"))
        return data
    if isinstance(block, ListBlock):
        items = list(value.bound_blocks) if hasattr(value, "bound_blocks") else []
        data = {f"{prefix}-count": str(len(items))}
        for i, item in enumerate(items):
            data.update(
                {
                    f"{prefix}-{i}-deleted": "",
                    f"{prefix}-{i}-order": str(i),
                    f"{prefix}-{i}-id": item.id or "",
                }
            )
            data.update(block_data(block.child_block, item.value, f"{prefix}-{i}-value"))
        return data
    formatted = block.field.widget.format_value(block.value_for_form(value))
    return {prefix: "" if formatted is None else str(formatted)}


def stream_data(form, data):
    """Replace the StreamFields' data of ``form`` and of its inline forms by their values."""
    for name in form.fields:
        value = getattr(form.instance, name, None)
        if isinstance(value, StreamValue):
            field_name = form.add_prefix(name)
            for key in [
                key for key in data if key == field_name or key.startswith(field_name + "-")
            ]:
                del data[key]
            for key, item in block_data(value.stream_block, value, field_name).items():
                data[key] = item
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            stream_data(child, data)


def edit_form_data(client, page, with_relations):
    """What the page's edit form posts, read from the edit view as a browser would."""
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    form = get_edit_handler(type(page)).get_form_class()(instance=page)
    stream_data(form, data)
    if with_relations:
        if "tags" in data:  # a tag typed in the editor is not saved before the preview
            data["tags"] = ", ".join(filter(None, [data["tags"], "nouvelle étiquette"]))
        return data
    for name, field in form.fields.items():
        if name == "tags":
            data[name] = ""
        elif hasattr(field, "queryset") and not field.required:
            multiple = getattr(field.widget, "allow_multiple_selected", False)
            data.setlist(name, [] if multiple else [""])
    for formset in form.formsets.values():
        for i in range(len(formset.forms)):
            data[f"{formset.prefix}-{i}-DELETE"] = "on"
    return data


def in_moderation(page, user):
    """Submit the page's latest revision to a one-step approval workflow; return the task."""
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=user)
    workflow = Workflow.objects.create(name=f"Relecture {page.pk}")
    task = GroupApprovalTask.objects.create(name=f"Validation {page.pk}")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow.start(Page.objects.get(pk=page.pk).specific, user)
    return task


def test_the_demo_holds_a_page_of_every_type(db, demo_tree):
    missing = [model.__name__ for model in PAGE_TYPES if not model.objects.exists()]
    assert missing == []


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda model: model.__name__)
def test_every_page_type_previews_in_edit_draft_and_workflow_views(client, editor, model, variant):
    page = model.objects.order_by("pk").first()
    client.force_login(editor)
    data = edit_form_data(client, page, variant == "with_relations")
    preview_url = f"/admin/pages/{page.pk}/edit/preview/"

    answer = client.post(preview_url, data).json()
    assert answer == {"is_valid": True, "is_available": True}
    response = client.get(preview_url)
    assert response.status_code == HTTPStatus.OK
    assert "wagtailadmin/generic/preview_error.html" not in [t.name for t in response.templates]

    saved = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert saved.status_code == HTTPStatus.FOUND, saved.content.decode()[:3000]
    response = client.get(f"/admin/pages/{page.pk}/view_draft/")
    assert response.status_code == HTTPStatus.OK

    task = in_moderation(page, editor)
    response = client.get(f"/admin/pages/workflow/preview/{page.pk}/{task.pk}/")
    assert response.status_code == HTTPStatus.OK
