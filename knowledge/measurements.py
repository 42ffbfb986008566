"""A new measurement of an indicator, entered by the structure's team in one small form.

``/structures/<slug>/indicateurs/<action>/<n>/mesure/`` (``n`` counts the action's indicators
from 0). The measurement goes through Wagtail's revisions with the rights the user has, never
around them:

- no change pending: a new revision (the live page plus the measurement) is published when the
  user may publish the page (coordinators, teams with direct publishing); otherwise it is
  submitted to the moderation workflow, and the form says so;
- a draft pending in the editor: a user who may publish gets the measurement published on the
  live page and added to the draft as well (so publishing the draft later keeps it); a user who
  may not is refused, since submitting would send someone's unfinished draft for approval;
- changes in moderation: the page is locked for everyone but the reviewers (as in the editor),
  so the team is refused until the coordination approves or sends back the changes; a reviewer
  (coordinator) gets the measurement added to them (a new latest revision, which the approval
  publishes) and nothing published now: publishing would cancel the moderation;
- a page locked by someone else: refused.
"""

import json
import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.locks import WorkflowLock
from wagtail.models import WorkflowState

from knowledge.indicator_history import indicator_history
from knowledge.teams import team_only


class MeasurementRefused(Exception):
    """The measurement cannot be recorded; the message says why, in the reader's language."""


class MeasurementForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the measurement"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date of the measurement."),
            "invalid": _("Enter a valid date, e.g. 31/03/2025."),
        },
    )
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Give the value measured."),
            "invalid": _("Enter a number, e.g. 12,5."),
        },
    )

    def __init__(self, *args, action, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.indicator = indicator
        if indicator["unit"]:
            self.fields["value"].help_text = gettext("In %(unit)s.") % {"unit": indicator["unit"]}
            self.fields["value"].widget.attrs["aria-describedby"] = "id_value_help"

    def mark_errors(self):
        """Tie each field with an error to its message, for screen readers."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = [attrs.get("aria-describedby", ""), f"id_{name}_error"]
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = " ".join(part for part in described if part)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        start = self.action.start_date
        if start and day < start:
            raise ValidationError(
                _("The date cannot come before the start of the action (%(start)s).")
                % {"start": date_format(start, "DATE_FORMAT")}
            )
        if any(item["date"] == day for item in self.indicator["measurements"]):
            raise ValidationError(_("This indicator already has a measurement on this date."))
        return day


def append_measurement(page, action_id, position, name, day, value):
    """Add the measurement to ``page``'s in-memory copy of the action's indicator.

    ``page`` is a revision's object (its actions are in memory). Refused when that version
    has no such action or indicator (it was removed or moved meanwhile) or already a measurement
    on ``day``.
    """
    actions = list(page.actions.all())
    action = next((action for action in actions if action.pk == action_id), None)
    # Through the blocks, not the stored JSON: older content stores the measurements in the
    # list block's legacy form (plain values, no ids).
    stream = [
        {"type": child.block_type, "value": child.block.get_prep_value(child.value), "id": child.id}
        for child in (action.indicators if action is not None else [])
    ]
    if position >= len(stream) or stream[position]["value"].get("name") != name:
        raise MeasurementRefused(
            gettext(
                "This indicator has changed on the page meanwhile: reload the page and "
                "enter the measurement again."
            )
        )
    measurements = stream[position]["value"]["measurements"]
    if any(item["value"]["date"] == day.isoformat() for item in measurements):
        raise MeasurementRefused(gettext("This indicator already has a measurement on this date."))
    measurements.append(
        {
            "type": "item",
            "value": {"date": day.isoformat(), "value": str(value)},
            "id": str(uuid.uuid4()),
        }
    )
    action.indicators = json.dumps(stream, cls=DjangoJSONEncoder)
    page.actions = actions


@transaction.atomic
def record_measurement(structure, user, action_id, position, name, day, value):
    """Record the measurement as ``user`` may (see the module's docstring); return the
    message telling them what became of it. Raises ``MeasurementRefused``."""
    page = type(structure).objects.select_for_update().get(pk=structure.pk)
    lock = page.get_lock()
    if isinstance(lock, WorkflowLock) and lock.for_user(user):
        raise MeasurementRefused(
            gettext(
                "Changes to this page are awaiting the coordination's approval: add the "
                "measurement once they are approved or sent back to you."
            )
        )
    if lock and lock.for_user(user):
        raise MeasurementRefused(
            gettext("The page is locked in the editor: try again once it is unlocked.")
        )
    can_publish = page.permissions_for_user(user).can_publish()
    latest = page.get_latest_revision()
    live = page.live_revision
    draft_pending = latest is not None and live is not None and latest.pk != live.pk
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        in_review = latest.as_object()
        append_measurement(in_review, action_id, position, name, day, value)
        in_review.save_revision(user=user, log_action=True)
        return gettext(
            "Measurement added to the changes awaiting the coordination's approval: it will "
            "show on the page once they are approved."
        )
    if draft_pending and not can_publish:
        raise MeasurementRefused(
            gettext(
                "The page has unpublished changes in the editor: submit them, or add the "
                "measurement there."
            )
        )
    current = live.as_object() if live is not None else page
    append_measurement(current, action_id, position, name, day, value)
    revision = current.save_revision(user=user, log_action=True)
    if can_publish:
        revision.publish(user=user)
        if draft_pending:
            draft = latest.as_object()
            append_measurement(draft, action_id, position, name, day, value)
            draft.save_revision(user=user, log_action=True)
            return gettext(
                "Measurement published. It was also added to the unpublished changes waiting "
                "in the editor."
            )
        return gettext("Measurement published.")
    workflow = page.get_workflow()
    if workflow is None:
        return gettext("Measurement saved as a draft: a coordinator will publish it.")
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        workflow.start(current, user)
    return gettext(
        "Measurement submitted to the coordination: it will show on the page once approved."
    )


def measurement_view(structure, request, action_id, position):
    """The form to add a measurement to one indicator: the structure's team and coordinators."""
    refused = team_only(
        structure,
        request,
        gettext("Only the structure's team and the coordination add measurements."),
    )
    if refused:
        return refused
    action = structure.actions.filter(pk=action_id).first()
    indicators = action.get_indicators() if action is not None else []
    if position >= len(indicators):
        raise Http404
    indicator = indicators[position]
    form = MeasurementForm(
        request.POST if request.method == "POST" else None, action=action, indicator=indicator
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                message = record_measurement(
                    structure,
                    request.user,
                    action.pk,
                    position,
                    indicator["name"],
                    form.cleaned_data["date"],
                    form.cleaned_data["value"],
                )
            except MeasurementRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, message)
                return redirect(f"{structure.url}#indicateur-{action.pk}-{position}")
        status = 400
        form.mark_errors()
    response = TemplateResponse(
        request,
        "knowledge/measurement_form.html",
        {
            "page": structure,
            "self": structure,
            "structure": structure,
            "action": action,
            "indicator": indicator,
            "anchor": f"indicateur-{action.pk}-{position}",
            "history": indicator_history(indicator),
            "form": form,
        },
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
