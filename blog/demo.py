"""Demo content of the blog: categories and about twelve posts telling the programme's story.

Facts come from the programme document (results of the call on 17 November 2009, the
inter-structure meeting of 17 December, the coaching journey). Everything else is illustrative
and says so in the text. The posts run from November 2009 to June 2010, each after the journey
steps it tells of (``knowledge.demo_experience``: the structures' pages are seen as of
30 June 2010).
"""

import datetime

from django.utils.text import slugify

from core.demo import get_or_create_child
from knowledge.models import StructurePage
from members.models import User
from members.permissions import restrict_to_members

from .models import BlogCategory, BlogIndexPage, BlogPostPage

CATEGORIES = [
    ("Vie du réseau", "Les nouvelles du Réseau RAA et de ses membres."),
    ("Retour d'expérience", "Ce que les structures accompagnées ont appris en chemin."),
    ("Ressources", "Documents, guides et outils partagés entre les membres."),
    ("Événements", "Réunions inter-structures, séminaires et journées régionales."),
]

ILLUSTRATIVE = (
    "\n\n*Contenu de démonstration : les détails de cet article sont illustratifs (exemple).*"
)

# (slug, title, date, category, structure slug, tags, members only, summary, body)
POSTS = [
    (
        "resultats-appel-a-candidatures",
        "Résultats de l'appel à candidatures : onze structures retenues",
        datetime.date(2009, 11, 17),
        "Vie du réseau",
        None,
        ["appel à candidatures", "programme"],
        False,
        "Le Comité de pilotage du RAA a retenu onze structures pour être accompagnées dans leur politique d'achats responsables.",
        "Lors de la journée régionale RAA du 17 novembre 2009, le Conseil régional d'Aquitaine et l'ADEME ont présenté "
        "les résultats de l'appel à candidatures.\n\n## Les structures retenues\n\n"
        "- les communes de Gujan-Mestras, du Haillan, de Mont-de-Marsan et de Pessac ;\n"
        "- les communautés de communes de l'Estuaire, de Montfort-en-Chalosse et du Pays de Coutras ;\n"
        "- la COBAS et le Grand Dax ;\n- le Pays Cœur Entre-deux-Mers ;\n- le SDIS 24.\n\n"
        "## Des critères de diversité\n\nLe comité a veillé à la diversité des types de structures, de leur taille, "
        "de leur contexte urbain ou rural, de leur territoire, de leur engagement en faveur du développement durable, "
        "de l'organisation de leur fonction achat et de leurs enjeux d'achat.",
    ),
    (
        "reunion-inter-structures-lancement",
        "Réunion inter-structures du 17 décembre : le lancement",
        datetime.date(2009, 12, 17),
        "Événements",
        None,
        ["réunion inter-structures", "programme"],
        False,
        "Présentation de la démarche et du calendrier, et remise des premiers documents de travail à chaque structure.",
        "La réunion inter-structures du 17 décembre lance l'accompagnement.\n\n## Au programme\n\n"
        "1. la présentation de la démarche et du calendrier ;\n"
        "2. la remise à chaque structure d'un questionnaire détaillé sur sa démarche éco-responsable et ses achats publics responsables ;\n"
        "3. une liste indicative des documents clés ;\n4. une liste indicative des entretiens à organiser.",
    ),
    (
        "un-blog-pour-echanger",
        "Un blog pour échanger entre structures",
        datetime.date(2009, 12, 18),
        "Vie du réseau",
        None,
        ["programme"],
        False,
        "Ce blog favorise les échanges entre les structures retenues et le prestataire.",
        "Comme annoncé lors de la journée régionale, un blog dédié au projet accompagne le programme : "
        "chaque structure y raconte sa démarche, et les membres du réseau peuvent réagir et poser leurs questions.",
    ),
    (
        "quatre-jours-accompagnement",
        "Quatre jours d'accompagnement : comment ça se passe ?",
        datetime.date(2010, 1, 12),
        "Ressources",
        None,
        ["accompagnement", "diagnostic"],
        False,
        "Analyse documentaire, entretiens, diagnostic, plan d'actions, séminaire et bilan : le parcours de chaque structure.",
        "Le prestataire ne fournit pas d'outils clé en main ni de clauses déjà rédigées : il aide chaque structure à "
        "organiser sa démarche.\n\n| Étape | Durée |\n|---|---|\n| Analyse documentaire et échanges | 1 jour |\n"
        "| Entretiens avec élus et directeurs | ½ jour |\n| Rédaction du diagnostic | 1 jour |\n"
        "| Restitution, stratégie et plan d'actions | ½ jour |\n| Séminaire participatif | ½ jour |\n"
        "| Bilan et actualisation du plan d'actions | ½ jour |",
    ),
    (
        "pessac-analyse-documentaire",
        "Pessac : premiers pas de l'analyse documentaire",
        datetime.date(2010, 2, 3),
        "Retour d'expérience",
        "pessac",
        ["diagnostic", "analyse documentaire"],
        False,
        "L'équipe projet de Pessac a rassemblé ses marchés et ses procédures pour la journée d'analyse documentaire.",
        "L'équipe projet a réuni les pièces demandées dans la liste indicative des documents clés : guides internes, "
        "marchés en cours, délibérations." + ILLUSTRATIVE,
    ),
    (
        "grand-dax-entretiens",
        "Grand Dax : les entretiens avec les élus et les directeurs",
        datetime.date(2010, 2, 24),
        "Retour d'expérience",
        "grand-dax",
        ["entretiens", "diagnostic"],
        False,
        "Une demi-journée d'entretiens pour comprendre les freins et les leviers.",
        "Les entretiens ont fait ressortir des freins (manque de temps, peur du surcoût) et des leviers "
        "(volonté des élus, Plan Climat à relier aux achats)." + ILLUSTRATIVE,
    ),
    (
        "sdis-24-diagnostic",
        "SDIS 24 : un diagnostic centré sur les véhicules et les équipements",
        datetime.date(2010, 3, 23),
        "Retour d'expérience",
        "sdis-24",
        ["diagnostic", "véhicules"],
        False,
        "Pour un service d'incendie et de secours, les enjeux d'achat ne sont pas ceux d'une commune.",
        "Le diagnostic identifie les familles d'achat où la démarche peut porter le plus."
        + ILLUSTRATIVE,
    ),
    (
        "compte-rendu-restitution-membres",
        "Compte rendu des réunions de restitution (réservé aux membres)",
        datetime.date(2010, 4, 8),
        "Vie du réseau",
        None,
        ["plan d'actions", "fiche de suivi"],
        True,
        "Ce que les premières équipes projet ont retenu des réunions de restitution du diagnostic.",
        "Dans les structures qui ont déjà reçu leur diagnostic, la réunion de restitution a permis de définir "
        "une stratégie, un plan d'actions et une fiche de suivi." + ILLUSTRATIVE,
    ),
    (
        "le-haillan-seminaire-participatif",
        "Le Haillan : un séminaire participatif pour mobiliser les services",
        datetime.date(2010, 5, 20),
        "Événements",
        "le-haillan",
        ["séminaire participatif", "mobilisation"],
        False,
        "Une demi-journée pour associer les prescripteurs et les acheteurs.",
        "Le séminaire a réuni les personnes pertinentes pour construire ensemble les actions prioritaires."
        + ILLUSTRATIVE,
    ),
    (
        "cobas-restauration-collective",
        "COBAS : la restauration collective comme premier chantier",
        datetime.date(2010, 6, 9),
        "Retour d'expérience",
        "cobas",
        ["restauration collective", "plan d'actions"],
        False,
        "Produits de saison et circuits courts dans le plan d'actions.",
        "La restauration collective concentre une part importante des achats et des attentes des habitants."
        + ILLUSTRATIVE,
    ),
    (
        "echanges-entre-referents-membres",
        "Échanges entre référents : questions ouvertes (réservé aux membres)",
        datetime.date(2010, 6, 22),
        "Vie du réseau",
        None,
        ["référents", "mobilisation"],
        True,
        "Les questions que se posent les référents élus et agents, à discuter entre membres.",
        "Comment garder l'élan après le séminaire ? Comment suivre les indicateurs de la fiche de suivi ?"
        + ILLUSTRATIVE,
    ),
    (
        "bilan-et-actualisation",
        "Bilan et actualisation des plans d'actions : le rendez-vous de l'automne",
        datetime.date(2010, 6, 29),
        "Vie du réseau",
        None,
        ["bilan", "plan d'actions"],
        False,
        "Dernière demi-journée d'accompagnement, prévue à l'automne : évaluer les actions et mettre à jour le plan.",
        "À l'automne, chaque structure évaluera les actions mises en œuvre et en rendra compte aux membres du "
        "réseau, avant la restitution lors de la journée régionale RAA." + ILLUSTRATIVE,
    ),
]


def build_categories():
    for name, description in CATEGORIES:
        BlogCategory.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "description": description}
        )


def build_posts(stdout):
    """The demo posts under /blog/; authors are the demo accounts when they exist."""
    blog = BlogIndexPage.objects.get()
    coordinator = User.objects.filter(email="coordination@exemple.fr").first()
    pessac_referent = User.objects.filter(email="pessac@exemple.fr").first()
    created = 0
    for slug, title, date, category, structure_slug, tags, members_only, summary, body in POSTS:
        if blog.get_children().filter(slug=slug).exists():
            continue
        post = BlogPostPage(
            slug=slug,
            title=title,
            date=date,
            summary=summary,
            body=body,
            structure=StructurePage.objects.filter(slug=structure_slug).first()
            if structure_slug
            else None,
        )
        blog.add_child(instance=post)
        post.categories.set([BlogCategory.objects.get(name=category)])
        post.tags.set(tags)
        authors = [pessac_referent if structure_slug == "pessac" else coordinator]
        post.authors.set([author for author in authors if author is not None])
        post.save_revision().publish()
        if members_only:
            restrict_to_members(post)
        created += 1
    stdout.write(f"Blog posts ready ({created} created, {len(POSTS)} in all).")


def build_blog(home, stdout):
    """The blog index at ``/blog/``, its categories and posts."""
    get_or_create_child(
        home,
        BlogIndexPage,
        "blog",
        title="Blog",
        show_in_menus=True,
        introduction="<p>Le blog du programme, pour favoriser les échanges entre les structures "
        "retenues et le prestataire&nbsp;: nouvelles des structures, retours d'expérience, "
        "ressources et rendez-vous du réseau.</p>",
    )
    build_categories()
    stdout.write("Blog ready: /blog/.")


# (post slug, author's email, text, index of the comment replied to or None, days after the post)
DEMO_COMMENTS = [
    (
        "un-blog-pour-echanger",
        "membre@exemple.fr",
        "Bonne idée, ce blog ! Pourra-t-on y partager nos **modèles de clauses** entre "
        "structures ?",
        None,
        1,
    ),
    (
        "un-blog-pour-echanger",
        "coordination@exemple.fr",
        "Oui, c'est prévu : les documents partagés iront dans les ressources, et chacun pourra "
        "les commenter ici. @[Claude Membre], n'hésitez pas à proposer les vôtres.",
        0,
        2,
    ),
    (
        "quatre-jours-accompagnement",
        "pessac@exemple.fr",
        "À Pessac, nous préparons la journée d'analyse documentaire : rassembler des marchés "
        "éparpillés entre plusieurs services est déjà un exercice utile en soi (exemple).",
        None,
        3,
    ),
    (
        "pessac-analyse-documentaire",
        "membre@exemple.fr",
        "Merci pour ce retour. Quels documents vous ont été les plus difficiles à réunir ?",
        None,
        2,
    ),
]


def build_comments(stdout):
    """A few comments and one reply by the demo accounts; nothing when they do not exist.

    Found by post, author and text before being created: running it twice adds nothing. Saved
    directly, so no notification email goes out.
    """
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from .comments import BlogComment

    users = {
        user.email: user
        for user in User.objects.filter(
            email__in=["coordination@exemple.fr", "pessac@exemple.fr", "membre@exemple.fr"]
        )
    }
    if not users:
        return
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    created, saved = 0, []
    for slug, email, text, parent_index, days in DEMO_COMMENTS:
        post = BlogPostPage.objects.filter(slug=slug).first()
        user = users.get(email)
        parent = saved[parent_index] if parent_index is not None else None
        if post is None or user is None or (parent_index is not None and parent is None):
            saved.append(None)
            continue
        comment = BlogComment.objects.filter(
            content_type=content_type, object_pk=str(post.pk), user=user, comment=text
        ).first()
        if comment is None:
            date = post.date or datetime.date(2010, 1, 1)
            comment = BlogComment(
                content_type=content_type,
                object_pk=str(post.pk),
                site_id=settings.SITE_ID,
                user=user,
                comment=text,
                submit_date=timezone.make_aware(
                    datetime.datetime.combine(
                        date + datetime.timedelta(days=days), datetime.time(10)
                    )
                ),
                parent_id=parent.pk if parent is not None else 0,
            )
            comment.save()
            created += 1
        saved.append(comment)
    stdout.write(f"Blog comments ready ({created} created).")
