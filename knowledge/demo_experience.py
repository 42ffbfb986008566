"""Illustrative experience data for the 11 demo structures: profile, journey, diagnostic, plan.

Only the names, types and départements of the structures, the programme's steps and
commitments, and the kick-off meeting of 17 December 2009 come from the programme document.
Everything else here is invented to show what the pages look like, and every section it fills
is flagged illustrative, so the site labels it "donnée illustrative".
"""

import json
import random
from datetime import date, timedelta

from core.demo import working_day

from .models import Action, CommitmentRecord, DiagnosticItem, JourneyStage
from .vocabularies import (
    ActionStatus,
    DiagnosticKind,
    JourneyStep,
    ProgrammeCommitment,
    PurchasingOrganisation,
    SectionVisibility,
    Sector,
    StepStatus,
    StructureSection,
    SustainabilityCommitment,
    TerritoryContext,
    Theme,
)

STRUCTURE_BODY = (
    "<p>{name} fait partie des onze structures retenues par le Comité de pilotage du RAA pour être "
    "accompagnées dans la construction de leur politique d'achats responsables.</p>"
)

# The date the demo journeys are "seen" from: the cohort is mid-way through the programme, and
# the blog's last post is of the day before.
AS_OF = date(2010, 6, 30)
KICK_OFF = date(2009, 12, 17)  # From the programme document.
# Days from the kick-off to each step. A step's actual date is at most 11 days (and a weekend)
# after its planned one: document analysis by early February, interviews by 21 February,
# diagnostics by 18 March, restitutions by 7 April and seminars by 12 May 2010, before the blog
# posts telling them; assessments in October and the closing meeting in November 2010.
STEP_OFFSETS_DAYS = [0, 35, 55, 80, 100, 135, 300, 335]

# slug: (population, context, commitments, organisation, sectors, completed steps)
PROFILES = {
    "gujan-mestras": (
        19_000,
        "periurbain",
        ["agenda-21"],
        "centralisee",
        ["restauration-collective", "espaces-verts", "entretien-des-locaux"],
        5,
    ),
    "le-haillan": (
        9_000,
        "periurbain",
        ["agenda-21"],
        "centralisee",
        ["fournitures-de-bureau", "restauration-collective"],
        6,
    ),
    "mont-de-marsan": (
        31_000,
        "urbain",
        ["demarche-interne"],
        "mixte",
        ["vehicules", "energie", "batiment-et-travaux"],
        4,
    ),
    "pessac": (
        57_000,
        "urbain",
        ["agenda-21", "plan-climat"],
        "centralisee",
        ["restauration-collective", "fournitures-de-bureau", "informatique", "textile"],
        5,
    ),
    "cc-estuaire": (
        15_000,
        "rural",
        ["demarche-interne"],
        "decentralisee",
        ["batiment-et-travaux", "espaces-verts"],
        3,
    ),
    "cc-montfort-en-chalosse": (
        11_000,
        "rural",
        ["demarche-interne"],
        "decentralisee",
        ["restauration-collective", "entretien-des-locaux"],
        4,
    ),
    "cc-pays-de-coutras": (
        20_000,
        "rural",
        ["agenda-21"],
        "mixte",
        ["batiment-et-travaux", "energie"],
        3,
    ),
    "cobas": (
        62_000,
        "urbain",
        ["plan-climat"],
        "centralisee",
        ["restauration-collective", "vehicules", "energie"],
        5,
    ),
    "grand-dax": (
        55_000,
        "urbain",
        ["agenda-21", "plan-climat"],
        "mixte",
        ["restauration-collective", "informatique", "vehicules"],
        6,
    ),
    "pays-coeur-entre-deux-mers": (
        90_000,
        "rural",
        ["plan-climat"],
        "decentralisee",
        ["energie", "batiment-et-travaux"],
        4,
    ),
    "sdis-24": (
        410_000,
        "rural",
        ["demarche-interne"],
        "centralisee",
        ["vehicules", "textile", "informatique"],
        5,
    ),
}
# One sentence per structure, drawn from its profile above, in French that agrees with the kind
# of body it is ("un pays engagé", "une commune engagée").
SUMMARIES = {
    "gujan-mestras": "Commune périurbaine de la Gironde, dotée d'un Agenda 21, qui veut étendre "
    "ses achats responsables à la restauration collective et aux espaces verts (profil "
    "illustratif).",
    "le-haillan": "Commune périurbaine de la Gironde, dotée d'un Agenda 21, dont les achats "
    "sont centralisés (profil illustratif).",
    "mont-de-marsan": "Commune urbaine des Landes, engagée dans une démarche interne de "
    "développement durable (profil illustratif).",
    "pessac": "Commune urbaine de la Gironde, engagée dans un Agenda 21 et un Plan Climat, dont "
    "les achats sont centralisés (profil illustratif).",
    "cc-estuaire": "Communauté de communes rurale de la Gironde, dont chaque service passe ses "
    "propres achats (profil illustratif).",
    "cc-montfort-en-chalosse": "Communauté de communes rurale des Landes, engagée dans une "
    "démarche interne de développement durable (profil illustratif).",
    "cc-pays-de-coutras": "Communauté de communes rurale de la Gironde, dotée d'un Agenda 21, "
    "qui commence par ses travaux et son énergie (profil illustratif).",
    "cobas": "Communauté d'agglomération urbaine de la Gironde, engagée dans un Plan Climat, "
    "qui commence par la restauration collective (profil illustratif).",
    "grand-dax": "Communauté d'agglomération urbaine des Landes, engagée dans un Agenda 21 et "
    "un Plan Climat (profil illustratif).",
    "pays-coeur-entre-deux-mers": "Pays rural de la Gironde, engagé dans un Plan Climat, qui "
    "rassemble des achats décentralisés entre ses membres (profil illustratif).",
    "sdis-24": "Établissement public de la Dordogne, dont les achats portent surtout sur les "
    "véhicules, les tenues et l'informatique (profil illustratif).",
}
# Two structures keep their diagnostic for the network's members: it shows how it looks.
MEMBERS_ONLY_DIAGNOSTICS = {"grand-dax", "sdis-24"}

OBSTACLES = [
    (
        "Les services achètent chacun de leur côté, sans vision d'ensemble des besoins.",
        "organisation-achats",
    ),
    ("Peu d'agents formés aux critères environnementaux et sociaux.", "competences"),
    ("La crainte d'un surcoût freine les élus comme les services.", "cout-global"),
    ("L'offre locale de produits durables est mal connue.", "sourcing"),
    ("Aucun indicateur ne permet de suivre les achats responsables.", "suivi-evaluation"),
    ("Le portage politique de la démarche reste à formaliser.", "gouvernance"),
]
LEVERS = [
    ("Un élu référent motivé et une équipe projet transversale.", "gouvernance"),
    (
        "Des marchés arrivant à échéance permettent d'intégrer de nouvelles clauses.",
        "clauses-environnementales",
    ),
    ("Un partenariat possible avec les structures d'insertion du territoire.", "clauses-sociales"),
    ("Le raisonnement en coût global convainc les services techniques.", "cout-global"),
    ("Des fournisseurs locaux prêts à échanger en amont des consultations.", "sourcing"),
    ("Un tableau de bord des achats existe déjà au service financier.", "suivi-evaluation"),
]
# (title, sector slug, indicator: (name, unit, baseline, target) or None)
ACTIONS = [
    (
        "Introduire des produits biologiques et de saison en restauration collective",
        "restauration-collective",
        ("Part de produits biologiques", "%", 5, 20),
    ),
    (
        "Passer au papier recyclé pour les fournitures de bureau",
        "fournitures-de-bureau",
        ("Part de papier recyclé", "%", 10, 80),
    ),
    (
        "Intégrer des critères de consommation énergétique aux achats informatiques",
        "informatique",
        None,
    ),
    (
        "Renouveler la flotte avec des véhicules à faibles émissions",
        "vehicules",
        ("Véhicules à faibles émissions", "véhicules", 0, 8),
    ),
    (
        "Insérer des clauses sociales dans les marchés de travaux",
        "batiment-et-travaux",
        ("Heures d'insertion réalisées", "heures", 0, 1500),
    ),
    (
        "Utiliser des produits d'entretien écolabellisés",
        "entretien-des-locaux",
        ("Part de produits écolabellisés", "%", 15, 70),
    ),
    ("Passer à la gestion différenciée des espaces verts", "espaces-verts", None),
    (
        "Acheter une électricité d'origine renouvelable",
        "energie",
        ("Part d'électricité renouvelable", "%", 0, 50),
    ),
    ("Choisir des tenues de travail issues du commerce équitable", "textile", None),
]
OWNERS = [
    "Service achats",
    "Direction générale des services",
    "Services techniques",
    "Service restauration",
    "Direction des finances",
    "Service environnement",
]


def fill_experience(structure):
    """Give ``structure`` an illustrative profile and sections, unless it has some already.

    Returns True when something was added. Existing journeys are never overwritten, so a
    referent's edits survive a second ``load_demo_content``.
    """
    if structure.slug not in PROFILES or structure.journey_stages.exists():
        return False
    rng = random.Random(structure.slug)
    population, context, commitments, organisation, sectors, completed = PROFILES[structure.slug]

    structure.population = population
    structure.context = TerritoryContext.objects.get(slug=context)
    structure.purchasing_organisation = PurchasingOrganisation.objects.get(slug=organisation)
    structure.sustainability_commitments = list(
        SustainabilityCommitment.objects.filter(slug__in=commitments)
    )
    structure.sectors = list(Sector.objects.filter(slug__in=sectors))
    structure.summary = structure.summary or SUMMARIES[structure.slug]
    for section in ["profile", *StructureSection.values]:
        setattr(structure, f"{section}_is_illustrative", True)
    if structure.slug in MEMBERS_ONLY_DIAGNOSTICS:
        structure.diagnostic_visibility = SectionVisibility.MEMBERS

    structure.body = STRUCTURE_BODY.format(name=structure.title)
    structure.journey_stages = in_order(journey(rng, completed))
    structure.commitment_records = in_order(commitment_records(rng, completed))
    structure.diagnostic = diagnostic_text(structure)
    structure.diagnostic_items = in_order(diagnostic_items(rng))
    structure.actions = in_order(actions(rng, sectors, completed))
    structure.save_revision().publish()
    return True


def journey(rng, completed):
    stages = []
    shift = rng.randint(0, 6)
    for index, (step, offset) in enumerate(zip(JourneyStep, STEP_OFFSETS_DAYS, strict=True)):
        planned = working_day(KICK_OFF + timedelta(days=offset + (shift if index else 0)))
        if index < completed:
            actual = working_day(planned + timedelta(days=rng.randint(-5, 3)))
            status = StepStatus.DONE
        elif index == completed:
            status, actual = StepStatus.IN_PROGRESS, None
        else:
            status, actual = StepStatus.UPCOMING, None
        if index == 0:
            actual = KICK_OFF
        stages.append(
            JourneyStage(step=step, planned_date=planned, actual_date=actual, status=status)
        )
    return stages


# Each commitment with the number of journey steps done once it is usually met, and how many
# days after the kick-off meeting (plus up to ten): all met ones before the demo's AS_OF date.
COMMITMENT_SCHEDULE = {
    ProgrammeCommitment.REFERENTS: (1, 10),
    ProgrammeCommitment.DELIBERATION: (1, 40),
    ProgrammeCommitment.DOCUMENTS: (2, 30),
    ProgrammeCommitment.TRAINING: (3, 70),
    ProgrammeCommitment.ACTION_PLAN: (5, 130),
    ProgrammeCommitment.SEMINAR: (6, 150),
    ProgrammeCommitment.REPORTING: (8, 340),
}


def commitment_records(rng, completed):
    records = []
    for commitment, (steps_needed, days) in COMMITMENT_SCHEDULE.items():
        met = completed >= steps_needed
        records.append(
            CommitmentRecord(
                commitment=commitment,
                date=working_day(KICK_OFF + timedelta(days=days + rng.randint(0, 10)))
                if met
                else None,
                note="Exemple : délibération du conseil municipal ou communautaire"
                if commitment == ProgrammeCommitment.DELIBERATION
                else "",
            )
        )
    return records


def diagnostic_text(structure):
    return (
        f"**État des lieux (exemple).** {structure.title} achète chaque année pour plusieurs "
        "millions d'euros de fournitures, de services et de travaux. Quelques marchés intègrent "
        "déjà des critères environnementaux, sans démarche d'ensemble.\n\n"
        "Les entretiens ont montré une attente forte des services pour des outils simples et "
        "une meilleure connaissance de l'offre locale."
    )


def diagnostic_items(rng):
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    items = []
    for kind, pool in [(DiagnosticKind.OBSTACLE, OBSTACLES), (DiagnosticKind.LEVER, LEVERS)]:
        for text, theme in rng.sample(pool, 3):
            item = DiagnosticItem(kind=kind, text=text)
            item.themes = [themes[theme]] if theme in themes else []
            items.append(item)
    return items


def in_order(rows):
    """``rows`` numbered in their order, as the editor's inline lists number them: the page,
    the admin and the exports then list them alike."""
    for index, row in enumerate(rows):
        row.sort_order = index
    return rows


def actions(rng, sectors, completed):
    sector_rows = {sector.slug: sector for sector in Sector.objects.all()}
    chosen = [action for action in ACTIONS if action[1] in sectors]
    chosen += rng.sample([action for action in ACTIONS if action not in chosen], 2)
    rows = []
    for index, (title, sector, indicator) in enumerate(chosen):
        # Under way once the action plan is built (5 steps done), else still to start.
        days = rng.randint(10, 90)
        start = AS_OF - timedelta(days=days) if completed >= 5 else AS_OF + timedelta(days=days)
        due = start + timedelta(days=rng.choice([180, 270, 365]))
        if completed < 5:
            status, progress = ActionStatus.PLANNED, 0
        elif index == 0 and completed >= 6:
            status, progress = ActionStatus.DONE, 100
        elif index == len(chosen) - 1 and rng.random() < 0.4:
            status, progress = ActionStatus.ABANDONED, rng.choice([0, 10])
        else:
            status, progress = ActionStatus.IN_PROGRESS, rng.choice([20, 30, 40, 50, 60, 75])
        rows.append(
            Action(
                title=title,
                sector=sector_rows.get(sector),
                owner=rng.choice(OWNERS),
                start_date=start,
                due_date=due,
                status=status,
                progress=progress,
                indicators=indicator_blocks(indicator, start, progress),
            )
        )
    return rows


def indicator_blocks(indicator, start, progress):
    if indicator is None:
        return "[]"
    name, unit, baseline, target = indicator
    measurements = [{"date": start.isoformat(), "value": str(baseline)}]
    if progress:
        # Whole numbers: vehicles, hours and percentages as a referent would measure them.
        value = round(baseline + (target - baseline) * progress / 100)
        measurements.append({"date": AS_OF.isoformat(), "value": str(value)})
    # The stored (JSON) form of the stream: dates and numbers as text, as the editor saves them.
    return json.dumps(
        [
            {
                "type": "indicator",
                "value": {
                    "name": name,
                    "unit": unit,
                    "baseline": str(baseline),
                    "target": str(target),
                    "measurements": measurements,
                },
            }
        ]
    )
