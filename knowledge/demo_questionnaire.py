"""The detailed questionnaire handed out at the kick-off, and illustrative answers.

The programme document names the questionnaire and its subject (the structure's
eco-responsible approach and its responsible purchasing), not its questions: those below were
written for the demonstration, as were the answers, which are flagged illustrative.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from .demo_experience import PROFILES
from .models import Answer, Question, QuestionKind, QuestionnaireResponse, QuestionnaireSection

APPROACH, ORGANISATION, DONE, STAKES = QuestionnaireSection
TEXT, YES_NO, CHOICE = QuestionKind
SIZE_CHOICES = "Moins de 1 agent\n1 à 3 agents\nPlus de 3 agents"

QUESTIONS = [
    (APPROACH, YES_NO, "Votre structure a-t-elle adopté un Agenda 21 ou un plan climat ?", ""),
    (APPROACH, TEXT, "Quels engagements de développement durable ont été pris par les élus ?", ""),
    (APPROACH, TEXT, "Qui porte la démarche d'achats responsables (élu, direction, service) ?", ""),
    (APPROACH, TEXT, "Qu'attendez-vous de l'accompagnement ?", "Deux ou trois attentes suffisent."),
    (APPROACH, YES_NO, "Les agents ont-ils été sensibilisés au développement durable ?", ""),
    (ORGANISATION, CHOICE, "Combien d'agents se consacrent aux marchés publics ?", SIZE_CHOICES),
    (
        ORGANISATION,
        CHOICE,
        "Comment la fonction achat est-elle organisée ?",
        "Centralisée\nDécentralisée\nMixte",
    ),
    (ORGANISATION, TEXT, "Qui définit le besoin, et avec qui ?", ""),
    (ORGANISATION, YES_NO, "Disposez-vous d'un guide interne de la commande publique ?", ""),
    (ORGANISATION, TEXT, "Quels outils utilisez-vous pour suivre les marchés ?", ""),
    (DONE, YES_NO, "Avez-vous déjà inséré des clauses environnementales ?", ""),
    (DONE, YES_NO, "Avez-vous déjà inséré des clauses sociales (insertion) ?", ""),
    (DONE, TEXT, "Décrivez un achat responsable dont vous êtes satisfaits.", ""),
    (DONE, TEXT, "Quelles difficultés avez-vous rencontrées ?", ""),
    (DONE, YES_NO, "Mesurez-vous les effets de ces achats (indicateurs) ?", ""),
    (STAKES, TEXT, "Quels sont vos trois principaux secteurs d'achat en montant ?", ""),
    (STAKES, TEXT, "Quel secteur vous semble prioritaire pour la démarche, et pourquoi ?", ""),
    (STAKES, TEXT, "Quels marchés arrivent à échéance dans les deux ans ?", ""),
    (STAKES, YES_NO, "Connaissez-vous les fournisseurs locaux de vos secteurs clés ?", ""),
    (STAKES, TEXT, "Quels freins craignez-vous pour la suite ?", ""),
]

# slug: (submitted?, answers to the questions in order; "" when not answered yet)
ANSWERS = {
    "pessac": (
        True,
        [
            "yes",
            "Agenda 21 adopté en 2008, avec un volet « commande publique exemplaire ».",
            "L'adjointe au développement durable et la direction de la commande publique.",
            "Une méthode pour cibler les marchés, des clauses types, un suivi.",
            "yes",
            "Plus de 3 agents",
            "Centralisée",
            "Le service utilisateur, avec le service des marchés pour les montants importants.",
            "yes",
            "Un tableur partagé des marchés et de leurs échéances.",
            "yes",
            "yes",
            "Le marché de restauration scolaire : 30 % de produits biologiques.",
            "Peu de réponses des petites entreprises locales.",
            "no",
            "Restauration collective, bâtiment, fournitures.",
            "La restauration : le poids du marché et l'attente des familles.",
            "Le nettoyage des locaux et les fournitures de bureau.",
            "no",
            "Le surcoût perçu et le temps des agents.",
        ],
    ),
    "le-haillan": (
        True,
        [
            "yes",
            "Un Agenda 21 local et une charte de l'éco-agent.",
            "Le maire adjoint aux finances et le directeur général des services.",
            "Structurer ce qui se fait déjà de façon dispersée.",
            "yes",
            "1 à 3 agents",
            "Centralisée",
            "Chaque service, avec l'aide du service des marchés.",
            "no",
            "Aucun outil dédié.",
            "yes",
            "no",
            "Le papier recyclé pour toutes les impressions de la mairie.",
            "Trouver des critères vérifiables.",
            "no",
            "Fournitures, restauration, entretien des espaces verts.",
            "Les fournitures de bureau : un premier pas simple et visible.",
            "Le marché de fournitures de bureau.",
            "yes",
            "La disponibilité des agents.",
        ],
    ),
    "mont-de-marsan": (
        False,
        [
            "no",
            "Une démarche interne de réduction des consommations d'énergie.",
            "La direction des services techniques.",
            "",
            "unknown",
            "Plus de 3 agents",
            "Mixte",
            "",
            "yes",
            "",
            "no",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ),
}


def build_questionnaire(stdout):
    """The questions (once) and illustrative answers for a few demo structures."""
    created = 0
    for order, (section, kind, text, extra) in enumerate(QUESTIONS, start=1):
        _question, was_created = Question.objects.get_or_create(
            text=text,
            defaults={
                "section": section,
                "kind": kind,
                "sort_order": order,
                "choices": extra if kind == CHOICE else "",
                "help_text": extra if kind != CHOICE else "",
            },
        )
        created += was_created
    stdout.write(f"Questionnaire ready ({created} questions created).")


def fill_questionnaire(structure):
    """Illustrative answers for ``structure``, unless it has a questionnaire. True if added."""
    if structure.slug not in ANSWERS or structure.slug not in PROFILES:
        return False
    if QuestionnaireResponse.objects.filter(structure=structure).exists():
        return False
    submitted, values = ANSWERS[structure.slug]
    response = QuestionnaireResponse.objects.create(
        structure=structure,
        is_illustrative=True,
        status=QuestionnaireResponse.Status.SUBMITTED if submitted else "draft",
        submitted_at=datetime(2010, 1, 29, 17, 0, tzinfo=ZoneInfo("Europe/Paris"))
        if submitted
        else None,
    )
    questions = {q.text: q for q in Question.objects.all()}
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[text], value=value)
        for (_section, _kind, text, _extra), value in zip(QUESTIONS, values, strict=True)
        if value and text in questions
    )
    return True
