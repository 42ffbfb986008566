"""Demo content of the site-wide pages, and the helper every app's demo builder uses.

Every builder finds its pages by slug before creating them, so running the demo twice gives the
same tree. Pages that already exist are left as they are: an editor's changes are kept.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from wagtail.models import Page, Site

from core.demo import get_or_create_child, working_day
from core.links import site_parts
from knowledge.demo_experience import AS_OF
from knowledge.models import StructurePage
from members.permissions import restrict_to_members

from .models import (
    ContactPage,
    EventIndexPage,
    EventPage,
    HomePage,
    MembersAreaPage,
    ProgrammeSettings,
    StandardPage,
)

HOME_INTRODUCTION = (
    "<p>Le Réseau RAA rassemble les acheteurs publics d'Aquitaine qui veulent acheter de façon "
    "plus responsable&nbsp;: collectivités et autres structures soumises aux règles de la commande "
    "publique. Ce site est le blog du programme d'accompagnement et la base de connaissances du "
    "réseau&nbsp;: les structures y racontent leur démarche, les membres échangent, et chacun "
    "retrouve les enseignements mutualisables.</p>"
)

HOME_PROGRAMME = """
<p>Le Conseil régional d'Aquitaine et l'ADEME ont lancé un appel à candidatures auprès des
collectivités locales et autres structures d'Aquitaine soumises au Code des marchés publics pour la
mise en place de politiques d'achats responsables. Le Comité de pilotage du RAA a retenu onze
structures&nbsp;; les résultats de l'appel ont été présentés lors de la journée régionale RAA du
17&nbsp;novembre&nbsp;2009.</p>
<h3>L'accompagnement</h3>
<p>Un prestataire accompagne chaque structure pendant quatre jours. Il ne fournit pas d'outils clé
en main ni de clauses déjà rédigées&nbsp;: il aide chaque structure à organiser sa propre démarche et
à mobiliser ses équipes.</p>
<ol>
<li>Réunion inter-structures de lancement</li>
<li>1 journée d'analyse documentaire et d'échanges avec l'interlocuteur de la structure</li>
<li>½ journée d'entretiens avec des élus et directeurs clés</li>
<li>1 journée de rédaction du diagnostic et d'identification des leviers d'amélioration</li>
<li>½ journée de réunion avec l'équipe projet&nbsp;: restitution du diagnostic, stratégie, plan
d'actions et fiche de suivi</li>
<li>½ journée de séminaire participatif</li>
<li>½ journée de bilan et d'actualisation du plan d'actions</li>
<li>Réunion inter-structures et restitution lors de la journée régionale RAA</li>
</ol>
<h3>Les engagements des structures retenues</h3>
<ul>
<li>suivre la formation ADEME sur les achats responsables&nbsp;;</li>
<li>désigner un référent interne (un élu et un agent) et constituer une équipe projet&nbsp;;</li>
<li>mettre à disposition du prestataire les documents nécessaires au diagnostic et se rendre
disponible pour les entretiens&nbsp;;</li>
<li>mettre en œuvre le plan d'actions construit avec le prestataire&nbsp;;</li>
<li>mobiliser les personnes pertinentes pour le séminaire participatif&nbsp;;</li>
<li>évaluer les actions mises en œuvre et en rendre compte aux membres du réseau&nbsp;;</li>
<li>produire une délibération sur ces engagements.</li>
</ul>
"""

ACCESSIBILITY_BODY = """
<p>Le Réseau RAA s'engage à rendre son site accessible conformément à l'article&nbsp;47 de la loi
n°&nbsp;2005-102 du 11&nbsp;février&nbsp;2005. Cette déclaration d'accessibilité s'applique à
l'ensemble du site public (hors interface d'administration).</p>
<p><strong>Déclaration de démonstration&nbsp;:</strong> la date, la méthode et les résultats de
l'audit ci-dessous sont des données illustratives (exemple). La coordination les remplace par ceux
de l'audit réel du site.</p>
<h2>État de conformité</h2>
<p>Le site du Réseau RAA est <strong>partiellement conforme</strong> avec le référentiel général
d'amélioration de l'accessibilité (RGAA), version&nbsp;4.1.2, en raison des non-conformités
énumérées ci-dessous.</p>
<h3>Date et méthode de l'audit</h3>
<ul>
<li>Date de l'audit&nbsp;: 30&nbsp;novembre&nbsp;2026 (donnée illustrative)&nbsp;;</li>
<li>méthode&nbsp;: autoévaluation réalisée par l'équipe du site selon la méthode technique du
RGAA&nbsp;4.1.2, sur un échantillon de douze pages&nbsp;;</li>
<li>pages vérifiées&nbsp;: l'accueil, le blog et un article, l'annuaire des structures et la page
de Pessac, l'agenda et un événement, la recherche, la connexion, le formulaire de contact, les
mentions légales et cette déclaration&nbsp;;</li>
<li>technologies utilisées&nbsp;: HTML5, CSS, SVG, un peu de JavaScript sans lequel le site reste
utilisable&nbsp;;</li>
<li>environnements de test&nbsp;: NVDA avec Firefox, VoiceOver avec Safari, navigation au clavier
seul, zoom du texte à 200&nbsp;%.</li>
</ul>
<h3>Résultats des tests</h3>
<p>L'autoévaluation révèle que 82&nbsp;% des critères du RGAA applicables sont respectés (donnée
illustrative).</p>
<h2>Contenus non accessibles</h2>
<h3>Non-conformités</h3>
<ul>
<li>Certains documents PDF déposés par les structures ne sont pas balisés et ne peuvent pas être lus
correctement par un lecteur d'écran (critère&nbsp;13.3)&nbsp;;</li>
<li>des images de contenu publiées dans le blog n'ont pas d'alternative textuelle pertinente
(critère&nbsp;1.2)&nbsp;;</li>
<li>sur la carte des départements de l'annuaire, l'information n'est donnée que par la couleur
lorsque le tableau équivalent n'est pas affiché (critère&nbsp;3.1).</li>
</ul>
<h3>Contenus non soumis à l'obligation d'accessibilité</h3>
<ul>
<li>Les documents bureautiques publiés avant le 23&nbsp;septembre&nbsp;2018, dont les supports du
programme de 2009 et 2010, dérogent à l'obligation&nbsp;; la coordination en fournit une version
accessible sur demande.</li>
</ul>
<h2>Retour d'information et contact</h2>
<p>Si vous ne parvenez pas à accéder à un contenu ou à un service, écrivez à la coordination du
réseau par le <a href="/contact/?sujet=accessibilite">formulaire de contact</a>&nbsp;: elle vous
orientera vers une alternative accessible ou vous enverra le contenu sous une autre forme.</p>
<h2>Voies de recours</h2>
<p>Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une
fonctionnalité du site, que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse
de notre part, vous êtes en droit de faire parvenir vos doléances ou une demande de saisine au
Défenseur des droits. Plusieurs moyens sont à votre disposition&nbsp;:</p>
<ul>
<li>écrire un message au Défenseur des droits par son
<a href="https://formulaire.defenseurdesdroits.fr/">formulaire en ligne</a>&nbsp;;</li>
<li>contacter le délégué du Défenseur des droits dans votre région
(<a href="https://www.defenseurdesdroits.fr/saisir/delegues">liste des délégués</a>)&nbsp;;</li>
<li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre)&nbsp;: Défenseur des
droits, Libre réponse 71120, 75342 Paris CEDEX&nbsp;07.</li>
</ul>
<h2>Schéma pluriannuel de mise en accessibilité</h2>
<p>Le réseau s'engage sur un schéma pluriannuel de trois ans, décliné chaque année en un plan
d'actions (exemple)&nbsp;:</p>
<ul>
<li>2027&nbsp;: audit de conformité complet par un prestataire externe et correction des
non-conformités ci-dessus&nbsp;; formation des équipes projet à la publication de documents
accessibles&nbsp;;</li>
<li>2028&nbsp;: versions accessibles des documents du programme les plus consultés&nbsp;;
contrôle de l'accessibilité de chaque nouveau gabarit de page avant sa mise en ligne&nbsp;;</li>
<li>2029&nbsp;: nouvel audit, mise à jour de cette déclaration et bilan du schéma.</li>
</ul>
<p>Cette déclaration est mise à jour après chaque audit.</p>
"""

CONTACT_INTRODUCTION = (
    "<p>Une question sur le programme ou le réseau, un contenu du site que vous ne parvenez pas "
    "à consulter&nbsp;? Écrivez à la coordination du réseau&nbsp;: elle vous répond par e-mail, "
    "en général sous deux jours ouvrés (donnée illustrative).</p>"
)

LEGAL_BODY = """
<p>Ce site est le blog et la base de connaissances du Réseau RAA (achats responsables en
Aquitaine), programme soutenu par le Conseil régional d'Aquitaine et l'ADEME.</p>
<h2>Données personnelles</h2>
<p>Les données des comptes servent uniquement au fonctionnement du réseau. Chaque membre peut les
télécharger ou supprimer son compte depuis son espace personnel.</p>
<h2>Contenus de démonstration</h2>
<p>Les contenus marqués «&nbsp;exemple&nbsp;» ou «&nbsp;donnée illustrative&nbsp;» sont fictifs.</p>
"""


def build_home(stdout):
    """The home page as the default site's root, replacing Wagtail's placeholder page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Réseau RAA : achats responsables en Aquitaine",
            slug="accueil",
            seo_title="Accueil",
            introduction=HOME_INTRODUCTION,
            programme=HOME_PROGRAMME,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        stdout.write("Created the home page.")
    _scheme, hostname, port = site_parts()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    previous = site.root_page_id
    # Wagtail's links (sitemap, full URLs) come from the site record: on SITE_URL's address.
    if (site.hostname, site.port, previous) != (hostname, port, home.pk):
        if previous != home.pk:
            site.site_name, site.root_page = "Réseau RAA", home
        site.hostname, site.port = hostname, port
        site.save()
    if previous != home.pk:
        # Wagtail's first migration leaves a "Welcome" page behind: remove it once unused.
        placeholder = Page.objects.filter(pk=previous, depth=2).exclude(pk=home.pk).first()
        if placeholder is not None and placeholder.specific_class is Page:
            placeholder.delete()
    return home


MEMBERS_AREA_INTRODUCTION = """
<p>Cet espace est réservé aux membres du réseau&nbsp;: votre structure, le tableau de bord,
l'annuaire, les billets et documents réservés, vos abonnements et les prochaines rencontres.</p>
"""

MEMBERS_AREA_BODY = """
<p>Cet espace est réservé aux membres du réseau&nbsp;: comptes rendus des réunions
inter-structures, échanges entre structures et documents de travail.</p>
<h2>Réunion inter-structures du 17&nbsp;décembre (exemple)</h2>
<p>Présentation de la démarche et du calendrier&nbsp;; remise à chaque structure du questionnaire
détaillé sur sa démarche éco-responsable, de la liste indicative des documents clés et de la liste
indicative des entretiens. Compte rendu de démonstration&nbsp;: contenu illustratif.</p>
"""


def build_site_pages(home, stdout):
    """The agenda, the members' area and the plain pages linked from the footer."""
    members_area, _ = get_or_create_child(
        home,
        MembersAreaPage,
        "espace-membres",
        title="Espace membres",
        show_in_menus=True,
        introduction=MEMBERS_AREA_INTRODUCTION,
    )
    restrict_to_members(members_area)
    get_or_create_child(
        members_area,
        StandardPage,
        "reunion-inter-structures-17-decembre",
        title="Réunion inter-structures du 17 décembre (exemple)",
        body=MEMBERS_AREA_BODY,
    )
    agenda, _ = get_or_create_child(
        home,
        EventIndexPage,
        "agenda",
        title="Agenda",
        show_in_menus=True,
        introduction="<p>Les rencontres du programme&nbsp;: réunions inter-structures, séminaires "
        "participatifs et journées régionales RAA.</p>",
    )
    build_events(agenda, stdout)
    set_programme_date(stdout)
    get_or_create_child(
        home,
        StandardPage,
        "accessibilite",
        title="Accessibilité : partiellement conforme",
        body=ACCESSIBILITY_BODY,
    )
    get_or_create_child(
        home, ContactPage, "contact", title="Contact", introduction=CONTACT_INTRODUCTION
    )
    get_or_create_child(
        home, StandardPage, "mentions-legales", title="Mentions légales", body=LEGAL_BODY
    )
    stdout.write(
        "Site pages ready: /agenda/, /espace-membres/ (members only), /accessibilite/, "
        "/contact/, /mentions-legales/."
    )


PARIS = ZoneInfo("Europe/Paris")

REGIONAL_DAY_DESCRIPTION = """
<p>Présentation des résultats de l'appel à candidatures lancé par le Conseil régional d'Aquitaine
et l'ADEME&nbsp;: le Comité de pilotage du RAA a retenu onze structures, qui seront accompagnées
dans la mise en place de leur politique d'achats responsables.</p>
<p>Horaires&nbsp;: donnée illustrative.</p>
"""

KICK_OFF_DESCRIPTION = """
<p>Première réunion inter-structures du programme&nbsp;: présentation de la démarche
d'accompagnement et du calendrier.</p>
<p>Chaque structure y reçoit&nbsp;:</p>
<ul>
<li>un questionnaire détaillé sur sa démarche éco-responsable et sa commande publique
responsable&nbsp;;</li>
<li>une liste indicative des documents clés&nbsp;;</li>
<li>une liste indicative des entretiens.</li>
</ul>
<p>Horaires&nbsp;: donnée illustrative.</p>
"""

SEMINAR_DESCRIPTION = """
<p><strong>Exemple (donnée illustrative)</strong>&nbsp;: date, lieu et contenu de ce séminaire sont
fictifs.</p>
<p>Une demi-journée de séminaire participatif&nbsp;: la structure réunit les personnes concernées
par ses achats pour partager le diagnostic et enrichir son plan d'actions.</p>
"""

REVIEW_DESCRIPTION = """
<p><strong>Exemple (donnée illustrative)</strong>&nbsp;: date, lieu et lien de cette réunion sont
fictifs.</p>
<p>Réunion inter-structures de bilan&nbsp;: chaque structure présente les actions mises en œuvre
et ce qu'elle en retient, avant la restitution lors d'une journée régionale RAA.</p>
"""


def set_programme_date(stdout):
    """The cockpit and the weekly summary see the demo from the day its data stops."""
    programme = ProgrammeSettings.load()
    if programme.as_of != AS_OF:
        programme.as_of = AS_OF
        programme.save()
    stdout.write(f"Programme seen as of {AS_OF.isoformat()} (cockpit, weekly summary).")


SEMINAR_PLACES = 25


def paris(day, hour, minute=0):
    """``day`` at ``hour:minute``, Paris time."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def build_events(agenda, stdout):
    """The two dated events of the programme document, and two illustrative future ones.

    The seminar takes registrations (``SEMINAR_PLACES`` places) until three days before it.

    The future events, labelled "exemple" in their title and text, are placed relative to the
    day the demo is first loaded, on working days; as every demo page, they are left alone
    afterwards.
    """
    structures = list(StructurePage.objects.order_by("title"))
    today = timezone.localdate()
    seminar_day = working_day(today + datetime.timedelta(days=30))
    review_day = working_day(today + datetime.timedelta(days=90))
    events = [
        (
            "journee-regionale-raa-2009",
            {
                "title": "Journée régionale RAA",
                "start": paris(datetime.date(2009, 11, 17), 9, 30),
                "end": paris(datetime.date(2009, 11, 17), 17),
                "description": REGIONAL_DAY_DESCRIPTION,
                "structures": structures,
            },
        ),
        (
            "reunion-inter-structures-de-lancement",
            {
                "title": "Réunion inter-structures de lancement",
                "start": paris(datetime.date(2009, 12, 17), 9, 30),
                "end": paris(datetime.date(2009, 12, 17), 12, 30),
                "description": KICK_OFF_DESCRIPTION,
                "structures": structures,
            },
        ),
        (
            "seminaire-participatif-exemple",
            {
                "title": "Séminaire participatif (exemple)",
                "start": paris(seminar_day, 14),
                "end": paris(seminar_day, 17, 30),
                "place": "Pessac (lieu fictif, donnée illustrative)",
                "description": SEMINAR_DESCRIPTION,
                "structures": [s for s in structures if s.slug == "pessac"],
                # Members register on its page (README, "Event sign-ups").
                "registration_open": True,
                "registration_capacity": SEMINAR_PLACES,
                "registration_deadline": paris(seminar_day - datetime.timedelta(days=3), 18),
            },
        ),
        (
            "reunion-inter-structures-de-bilan-exemple",
            {
                "title": "Réunion inter-structures de bilan (exemple)",
                "start": paris(review_day, 9, 30),
                "end": paris(review_day, 12, 30),
                "place": "Bordeaux (lieu fictif, donnée illustrative)",
                "online_url": "https://visio.exemple.fr/raa-bilan",
                "description": REVIEW_DESCRIPTION,
                "structures": structures,
            },
        ),
    ]
    created = sum(
        get_or_create_child(agenda, EventPage, slug, **fields)[1] for slug, fields in events
    )
    stdout.write(f"Agenda ready: {len(events)} events ({created} created).")
