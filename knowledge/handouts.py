"""The indicative lists on a structure's page: who works on them, the team's form, progress.

Only the structure's team and the coordinators (``knowledge.teams``) see the lists' progress
and the form; everyone else, members included, sees neither.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from knowledge.models.handouts import HandoutItem, HandoutList, HandoutProgress
from knowledge.questionnaire import summary_of as questionnaire_summaries
from knowledge.teams import team_only, works_on


class ItemProgressForm(forms.Form):
    done = forms.BooleanField(required=False)
    date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, item, **kwargs):
        self.item = item
        super().__init__(*args, prefix=f"item-{item.pk}", **kwargs)
        done_label = HandoutList(item.handout_list).done_label
        self.fields["done"].label = done_label
        self.fields["date"].label = _("Date")
        self.fields["note"].label = _("Note")


def progress_forms(structure, data=None):
    """One form per item, in the lists' order, filled with the structure's progress (two
    queries)."""
    items = list(HandoutItem.objects.all())
    progress = {p.item_id: p for p in HandoutProgress.objects.filter(structure=structure)}
    result = []
    for item in items:
        row = progress.get(item.pk)
        initial = {"done": row.done, "date": row.date, "note": row.note} if row else {}
        result.append((item, row, ItemProgressForm(data, item=item, initial=initial)))
    return result


def save_progress(structure, forms_, user):
    """Write the rows whose values changed; returns how many."""
    changed = 0
    with transaction.atomic():
        for item, _row, form in forms_:
            if not form.has_changed():
                continue
            values = form.cleaned_data
            HandoutProgress.objects.update_or_create(
                structure=structure,
                item=item,
                defaults={
                    "done": values["done"],
                    "date": values["date"],
                    "note": values["note"],
                    "is_illustrative": False,
                    "updated_by": user,
                },
            )
            changed += 1
    return changed


def handouts_view(structure, request):
    """``/structures/<slug>/listes-indicatives/``: the two lists, ticked off by the team."""
    refused = team_only(
        structure,
        request,
        gettext("Only the structure's team and the coordination see its indicative lists."),
    )
    if refused:
        return refused
    if request.method == "POST":
        rows = progress_forms(structure, request.POST)
        if all(form.is_valid() for _item, _row, form in rows):
            changed = save_progress(structure, rows, request.user)
            if changed:
                saved = ngettext(
                    "Indicative lists saved (%(count)d item updated).",
                    "Indicative lists saved (%(count)d items updated).",
                    changed,
                ) % {"count": changed}
            else:
                saved = gettext("Indicative lists saved (no item changed).")
            messages.success(request, saved)
            return redirect(request.path)
        messages.error(request, gettext("Some dates are not valid: please correct them."))
    else:
        rows = progress_forms(structure)
    lists = []
    for handout_list in HandoutList:
        list_rows = [
            {"item": item, "progress": row, "form": form}
            for item, row, form in rows
            if item.handout_list == handout_list
        ]
        lists.append(
            {
                "list": handout_list,
                "rows": list_rows,
                "done": sum(1 for r in list_rows if r["progress"] and r["progress"].done),
                "total": len(list_rows),
            }
        )
    response = TemplateResponse(
        request,
        "knowledge/handouts.html",
        {
            "page": structure,
            "self": structure,
            "structure": structure,
            "lists": lists,
            "illustrative": any(row and row.is_illustrative for _i, row, _f in rows),
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def progress_of(structure_ids):
    """``{structure id: [{"list", "done", "total", "percent"}]}`` for both lists, in two
    queries whatever the number of structures."""
    totals = dict(
        HandoutItem.objects.order_by()
        .values_list("handout_list")
        .annotate(count=Count("pk"))
        .values_list("handout_list", "count")
    )
    done = {}
    for structure_id, handout_list, count in (
        HandoutProgress.objects.filter(structure_id__in=structure_ids, done=True)
        .order_by()
        .values_list("structure_id", "item__handout_list")
        .annotate(count=Count("pk"))
        .values_list("structure_id", "item__handout_list", "count")
    ):
        done[structure_id, handout_list] = count
    result = {}
    for structure_id in structure_ids:
        result[structure_id] = [
            progress_entry(
                handout_list,
                done.get((structure_id, handout_list.value), 0),
                totals.get(handout_list.value, 0),
            )
            for handout_list in HandoutList
        ]
    return result


def progress_entry(handout_list, done, total):
    return {
        "list": handout_list,
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
    }


def structure_handouts(structure, request):
    """The progress box of a structure page, for its team and coordinators; else None."""
    if not request.user.is_authenticated or not works_on(structure, request):
        return None
    return {
        "lists": progress_of([structure.pk])[structure.pk],
        "questionnaire": questionnaire_summaries([structure.pk])[structure.pk],
    }


def handouts_table(structures):
    """The dashboard's table (coordinators): each structure's progress on both lists."""
    ids = [structure.pk for structure in structures]
    progress = progress_of(ids)
    questionnaires = questionnaire_summaries(ids)
    return {
        "lists": list(HandoutList),
        "rows": [
            {
                "structure": structure,
                "lists": progress[structure.pk],
                "questionnaire": questionnaires[structure.pk],
            }
            for structure in structures
        ],
    }
