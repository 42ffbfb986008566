"""The detailed questionnaire online: a team's draft and submission, the coordination's
comparison across structures and its export.

Who works on a structure's questionnaire is decided as for the indicative lists
(``knowledge.teams``): its team and the coordinators. A submitted questionnaire is
read-only; a coordinator may reopen it.
"""

from collections import defaultdict

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from core.visibility import reader_of, visible_to
from knowledge.exports import FORMATS, FORMULA_TRIGGERS, safe_text, spreadsheet_response
from knowledge.models.questionnaire import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireSection,
)
from knowledge.teams import team_only

YES_NO = {"yes": _("Yes"), "no": _("No"), "unknown": _("Don't know")}


def field_name(question):
    return f"q{question.pk}"


def question_field(question):
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=list(YES_NO.items()), widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.CHOICE:
        choices = [(choice, choice) for choice in question.choice_list()]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=3000, **common)


def display_value(question, value):
    """An answer as a reader should see it: "Oui" rather than "yes"."""
    if question.kind == QuestionKind.YES_NO:
        return str(YES_NO.get(value, value))
    return value


class QuestionnaireForm(forms.Form):
    def __init__(self, *args, questions, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.submitting = submitting
        for question in questions:
            self.fields[field_name(question)] = question_field(question)

    def clean(self):
        cleaned_data = super().clean()
        if self.submitting:
            for question in self.questions:
                name = field_name(question)
                if name not in self.errors and not (cleaned_data.get(name) or "").strip():
                    self.add_error(name, gettext("Answer this question before submitting."))
        return cleaned_data

    def sections(self):
        """The bound fields grouped by section, in the sections' order."""
        grouped = defaultdict(list)
        for question in self.questions:
            grouped[question.section].append(self[field_name(question)])
        return [
            {"section": section, "fields": grouped[section.value]}
            for section in QuestionnaireSection
            if grouped[section.value]
        ]


def answers_of(response):
    """``{question id: value}`` for a response (one query), empty without one."""
    if response is None:
        return {}
    return dict(response.answers.values_list("question_id", "value"))


def save_answers(response, form):
    existing = {answer.question_id: answer for answer in response.answers.all()}
    for question in form.questions:
        value = (form.cleaned_data.get(field_name(question)) or "").strip()
        answer = existing.get(question.pk)
        if answer is None:
            if value:
                Answer.objects.create(response=response, question=question, value=value)
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])


def questionnaire_view(structure, request):
    """``/structures/<slug>/questionnaire/``: the team's draft, or its submitted answers."""
    refused = team_only(
        structure,
        request,
        gettext("Only the structure's team and the coordination see its questionnaire."),
    )
    if refused:
        return refused
    questions = list(Question.objects.all())
    response = QuestionnaireResponse.objects.filter(structure=structure).first()
    status = 200
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        with transaction.atomic():
            response, _created = QuestionnaireResponse.objects.select_for_update().get_or_create(
                structure=structure
            )
            if response.is_submitted:
                messages.error(
                    request,
                    gettext(
                        "This questionnaire was already submitted: ask the coordination to "
                        "reopen it if it needs changing."
                    ),
                )
                form, status = None, 409
            else:
                form = QuestionnaireForm(request.POST, questions=questions, submitting=submitting)
                if form.is_valid():
                    save_answers(response, form)
                    response.is_illustrative = False
                    if submitting:
                        response.status = QuestionnaireResponse.Status.SUBMITTED
                        response.submitted_at = timezone.now()
                        response.submitted_by = request.user
                    response.save()
                    messages.success(
                        request,
                        gettext("Questionnaire submitted. Thank you!")
                        if submitting
                        else gettext("Draft saved. You can come back to it at any time."),
                    )
                    return redirect(request.path)
                messages.error(request, gettext("Some answers need your attention."))
    else:
        form = None
    if form is None and not (response and response.is_submitted):
        answers = answers_of(response)
        form = QuestionnaireForm(
            questions=questions,
            initial={field_name(q): answers[q.pk] for q in questions if q.pk in answers},
        )
    context = {
        "page": structure,
        "self": structure,
        "structure": structure,
        "response": response,
        "form": form,
        "is_coordinator": reader_of(request).is_coordinator,
    }
    if response and response.is_submitted:
        answers = answers_of(response)
        context["answered_sections"] = answered_sections(questions, answers)
    result = TemplateResponse(request, "knowledge/questionnaire.html", context, status=status)
    patch_cache_control(result, private=True, no_store=True)
    return result


def answered_sections(questions, answers):
    grouped = defaultdict(list)
    for question in questions:
        grouped[question.section].append(
            {"question": question, "value": display_value(question, answers.get(question.pk, ""))}
        )
    return [
        {"section": section, "answers": grouped[section.value]}
        for section in QuestionnaireSection
        if grouped[section.value]
    ]


def reopen_view(structure, request):
    """A coordinator reopens a submitted questionnaire so that the team may change it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not reader_of(request).is_coordinator:
        raise PermissionDenied(gettext("Only the coordination may reopen a questionnaire."))
    updated = QuestionnaireResponse.objects.filter(
        structure=structure, status=QuestionnaireResponse.Status.SUBMITTED
    ).update(status=QuestionnaireResponse.Status.DRAFT, reopened_at=timezone.now())
    if updated:
        messages.success(request, gettext("Questionnaire reopened: the team may change it."))
    return redirect(request.path.removesuffix("rouvrir/"))


def summary_of(structure_ids):
    """``{structure id: {"started", "submitted", "text"}}`` in two queries."""
    total = Question.objects.count()
    summaries = {
        pk: {"started": False, "submitted": False, "text": gettext("not started")}
        for pk in structure_ids
    }
    responses = QuestionnaireResponse.objects.filter(structure_id__in=structure_ids)
    for response in responses.annotate(answered=Count("answers")):
        if response.is_submitted:
            when = date_format(timezone.localtime(response.submitted_at), "SHORT_DATE_FORMAT")
            text = gettext("submitted on %(date)s") % {"date": when}
        else:
            text = gettext("draft, %(answered)d answers of %(total)d") % {
                "answered": response.answered,
                "total": total,
            }
        summaries[response.structure_id] = {
            "started": True,
            "submitted": response.is_submitted,
            "text": text,
        }
    return summaries


def comparison(structures):
    """Each question with every structure's answer to it (three queries)."""
    questions = list(Question.objects.all())
    responses = {
        response.structure_id: response
        for response in QuestionnaireResponse.objects.filter(structure__in=structures)
    }
    values = {
        (structure_id, question_id): value
        for structure_id, question_id, value in Answer.objects.filter(
            response__structure__in=structures
        ).values_list("response__structure_id", "question_id", "value")
    }
    rows = []
    for question in questions:
        rows.append(
            {
                "question": question,
                "answers": [
                    {
                        "structure": structure,
                        "response": responses.get(structure.pk),
                        "value": display_value(
                            question, values.get((structure.pk, question.pk), "")
                        ),
                    }
                    for structure in structures
                ],
            }
        )
    return {"questions": rows, "structures": structures, "responses": responses}


def coordinator_structures(index_page, request):
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not reader_of(request).is_coordinator:
        raise PermissionDenied(gettext("Only the coordination compares the questionnaires."))
    pages = visible_to(Page.objects.child_of(index_page).live(), request)
    return list(pages.order_by("title")), None


def comparison_view(index_page, request):
    """``/structures/questionnaire/``: coordinators compare answers question by question."""
    structures, refused = coordinator_structures(index_page, request)
    if refused:
        return refused
    response = TemplateResponse(
        request,
        "knowledge/questionnaire_comparison.html",
        {
            "page": index_page,
            "self": index_page,
            "formats": list(FORMATS),
            **comparison(structures),
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def comparison_export(index_page, request, file_format):
    if file_format not in FORMATS:
        raise Http404
    structures, refused = coordinator_structures(index_page, request)
    if refused:
        return refused
    data = comparison(structures)
    triggers = FORMULA_TRIGGERS[file_format]
    dataset = tablib.Dataset(
        headers=[gettext("Section"), gettext("Question"), *[s.title for s in structures]],
        title=gettext("Questionnaire"),
    )
    for row in data["questions"]:
        dataset.append(
            [
                str(row["question"].get_section_display()),
                safe_text(row["question"].text, triggers),
                *[safe_text(answer["value"], triggers) for answer in row["answers"]],
            ]
        )
    response = spreadsheet_response(dataset, file_format, "questionnaire-comparaison")
    patch_cache_control(response, private=True, no_store=True)
    return response
