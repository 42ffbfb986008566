"""The two indicative lists handed out at the kick-off, and illustrative progress.

The programme document names the lists (key documents, interviews) but not their items: the
items below are what such lists usually hold, written for the demonstration. Each structure's
progress follows its illustrative journey (documents gathered once the document analysis is
done, interviews held once the interviews step is) and is flagged illustrative.
"""

import random
from datetime import timedelta

from .demo_experience import AS_OF, KICK_OFF, PROFILES, STEP_OFFSETS_DAYS
from .models import HandoutItem, HandoutList, HandoutProgress

KEY_DOCUMENTS = [
    (
        "Délibération d'engagement dans la démarche",
        "Elle dit le mandat donné par les élus et le périmètre de la démarche.",
        "Secrétariat général, service des assemblées",
    ),
    (
        "Organigramme des services et circuit de l'achat",
        "Pour savoir qui exprime le besoin, qui achète, qui valide et qui paie.",
        "Direction générale des services",
    ),
    (
        "Guide ou règlement interne de la commande publique",
        "Les règles internes fixent les seuils, les procédures et les validations.",
        "Service des marchés publics",
    ),
    (
        "Liste des marchés en cours (objet, montant, échéance)",
        "Repérer les marchés à renouveler où introduire des clauses responsables.",
        "Service des marchés publics",
    ),
    (
        "Dossiers de consultation de trois marchés récents",
        "Voir comment les besoins, les critères et les clauses sont rédigés aujourd'hui.",
        "Service des marchés publics, services acheteurs",
    ),
    (
        "Tableau des dépenses par famille d'achat sur deux ans",
        "Mesurer le poids de chaque secteur d'achat pour choisir les priorités.",
        "Direction des finances",
    ),
    (
        "Agenda 21, plan climat ou démarche de développement durable",
        "Relier la politique d'achat aux engagements déjà pris par la structure.",
        "Chargé de mission développement durable",
    ),
    (
        "Bilans ou rapports d'activité des services acheteurs",
        "Connaître les volumes, les contraintes et les pratiques de chaque service.",
        "Services acheteurs",
    ),
    (
        "Clauses sociales ou environnementales déjà utilisées",
        "Partir de l'existant et le faire connaître aux autres services.",
        "Service des marchés publics",
    ),
    (
        "Budget primitif de l'année en cours",
        "Situer les marges de manœuvre financières de la démarche.",
        "Direction des finances",
    ),
]

INTERVIEWS = [
    (
        "Élu référent de la démarche",
        "Comprendre la volonté politique, les attentes et les limites fixées.",
        "L'élu référent",
    ),
    (
        "Directeur général des services",
        "Mesurer le portage par la direction et la place de l'achat dans l'organisation.",
        "Direction générale",
    ),
    (
        "Responsable du service des marchés publics",
        "Connaître les procédures, les outils et les difficultés juridiques rencontrées.",
        "Service des marchés publics",
    ),
    (
        "Directeur des finances",
        "Parler coût global, budget et suivi des dépenses.",
        "Direction des finances",
    ),
    (
        "Deux ou trois chefs de service acheteurs",
        "Recueillir les besoins, les habitudes et les idées de ceux qui achètent.",
        "Restauration, services techniques, informatique…",
    ),
    (
        "Chargé de mission développement durable",
        "Relier l'achat aux autres actions de développement durable de la structure.",
        "Mission développement durable",
    ),
    (
        "Agent référent de la démarche",
        "Préparer avec lui le suivi du plan d'actions.",
        "L'agent référent",
    ),
]

# The journey steps (1-based, as in the programme) after which each list is done.
DOCUMENT_STEP, INTERVIEW_STEP = 2, 3


def build_handouts(stdout):
    """The lists' items (once) and each demo structure's progress (unless it has some)."""
    created = 0
    for handout_list, items in [
        (HandoutList.KEY_DOCUMENTS, KEY_DOCUMENTS),
        (HandoutList.INTERVIEWS, INTERVIEWS),
    ]:
        for order, (title, why, holder) in enumerate(items, start=1):
            _item, was_created = HandoutItem.objects.get_or_create(
                handout_list=handout_list,
                title=title,
                defaults={"why": why, "holder": holder, "sort_order": order},
            )
            created += was_created
    stdout.write(f"Indicative lists ready ({created} items created).")


def fill_handouts(structure):
    """Illustrative progress for ``structure``, following its demo journey. True if added."""
    if structure.slug not in PROFILES or structure.handout_progress.exists():
        return False
    completed = PROFILES[structure.slug][-1]
    rng = random.Random(f"handouts-{structure.slug}")  # noqa: S311 (demo data)
    rows = []
    for handout_list, step in [
        (HandoutList.KEY_DOCUMENTS, DOCUMENT_STEP),
        (HandoutList.INTERVIEWS, INTERVIEW_STEP),
    ]:
        items = list(HandoutItem.objects.of(handout_list))
        if completed >= step:
            done = len(items) - rng.randint(0, 1)  # often one item was never found
        elif completed == step - 1:
            done = rng.randint(1, len(items) - 2)  # the step is under way
        else:
            done = 0
        step_day = KICK_OFF + timedelta(days=STEP_OFFSETS_DAYS[step - 1])
        for index, item in enumerate(items):
            if index >= done:
                continue
            day = min(step_day - timedelta(days=rng.randint(0, 20)), AS_OF)
            rows.append(
                HandoutProgress(
                    structure=structure, item=item, done=True, date=day, is_illustrative=True
                )
            )
    HandoutProgress.objects.bulk_create(rows)
    return bool(rows)
