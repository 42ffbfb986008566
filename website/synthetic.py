"""Synthetic content at scale, for benchmarks only (``manage.py generate_content``).

The demo content is built first (``load_demo_content``'s builders, with the demo accounts); its
pages are then the models of many more: each new page copies the fields, inline rows (journey,
commitments, diagnostic, action plan, lesson sources, resource files), facets, categories and
tags of a demo page of the same type, under a new French title, slug, date and tree path.

Speed: pages are saved one by one (Django's multi-table inheritance has no bulk insert) but
without validation, revisions or search indexing (``indexing_paused``; the index is rebuilt
once at the end), with their tree path computed here instead of treebeard's per-child lookups;
inline rows, many-to-many rows, view restrictions, members and comments go in bulk.

The database is marked as synthetic by a collection named ``MARKER`` (with the scale): the
command refuses a database holding anything else than its own previous output.
"""

import contextlib
import datetime
import html
import random
import sys
import time
import uuid

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment
from modelcluster.fields import ParentalKey
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Collection, Page, PageViewRestriction
from wagtail.signal_handlers import update_reference_index_on_save

from blog.comments import BlogComment
from blog.demo import build_blog, build_comments, build_posts
from blog.models import BlogIndexPage, BlogPostPage, BlogPostTag
from knowledge.demo import build_knowledge
from knowledge.demo_lessons import build_lessons
from knowledge.models import (
    LessonIndexPage,
    LessonPage,
    ResourceIndexPage,
    ResourcePage,
    StructureIndexPage,
    StructurePage,
)
from knowledge.resource_access import ResourceAudience
from knowledge.vocabularies import SectionVisibility
from members.demo import build_accounts
from members.models import Membership, User
from members.permissions import COORDINATORS_GROUP, MEMBERS_GROUP
from website.demo import build_home, build_site_pages
from website.models import EventIndexPage, EventPage

MARKER = "Contenu synthétique (banc d'essai)"
MEMBER_PASSWORD = "demo-synthetique"  # noqa: S105 (public on purpose: benchmark databases only)

# The demo's page counts (about): structures 11, posts 12, lessons 15, resources 12, events 4.
# Added per run: a base that makes scale 1 about three times the demo, plus a share per scale
# unit that makes scale 50 about 10,000 posts and 2,000 lessons.
PER_SCALE = {
    "structures": (22, 4),
    "posts": (24, 200),
    "lessons": (30, 40),
    "resources": (24, 10),
    "events": (8, 6),
    "members": (30, 20),
}
COMMENTS_PER_POST = (0, 4)  # each post gets between these many comments (and a reply or not)
MEMBERS_ONLY_EVERY = 7  # one post, lesson and resource in 7 (the first included): members only

TOWNS = [
    "Arcachon",
    "Bassin-d'Arcachon",
    "Bègles",
    "Biganos",
    "Biarritz",
    "Bayonne",
    "Anglet",
    "Hendaye",
    "Lormont",
    "Cenon",
    "Floirac",
    "Talence",
    "Villenave-d'Ornon",
    "Mérignac",
    "Eysines",
    "Blanquefort",
    "Libourne",
    "Langon",
    "Bazas",
    "Lesparre-Médoc",
    "Pauillac",
    "Blaye",
    "Sainte-Foy-la-Grande",
    "Bergerac",
    "Périgueux",
    "Sarlat-la-Canéda",
    "Nontron",
    "Ribérac",
    "Terrasson-Lavilledieu",
    "Agen",
    "Villeneuve-sur-Lot",
    "Marmande",
    "Nérac",
    "Tonneins",
    "Fumel",
    "Dax",
    "Tarnos",
    "Biscarrosse",
    "Mimizan",
    "Saint-Vincent-de-Tyrosse",
    "Aire-sur-l'Adour",
    "Pau",
    "Orthez",
    "Oloron-Sainte-Marie",
    "Lescar",
    "Billère",
    "Mourenx",
    "Salies-de-Béarn",
    "Saint-Jean-de-Luz",
    "Cambo-les-Bains",
]
KINDS = ["Commune de", "Communauté de communes de", "Communauté d'agglomération de", "SIVOM de"]
TOPICS = [
    "restauration collective",
    "véhicules propres",
    "papier recyclé",
    "clauses sociales",
    "produits d'entretien écolabellisés",
    "mobilier durable",
    "électricité verte",
    "déchets de chantier",
    "informatique responsable",
    "vêtements de travail",
    "espaces verts sans pesticides",
    "éclairage public",
]
ANGLES = [
    "retour d'expérience de {town}",
    "premiers résultats à {town}",
    "ce que le diagnostic a montré à {town}",
    "le cahier des charges de {town}",
    "bilan à six mois pour {town}",
    "une réunion d'échange à {town}",
    "les questions des acheteurs de {town}",
]
COMMENTS = [
    "Merci pour ce retour, nous lançons une consultation semblable sur les **{topic}**.",
    "À {town}, nous avons eu le même problème de sourcing : les fournisseurs locaux manquaient.",
    "Pouvez-vous partager le critère de notation retenu pour les {topic} ?",
    "Très utile ; le coût global a-t-il été calculé sur toute la durée du marché ?",
    "Nous avons suivi la même démarche, le guide des ressources nous a bien aidés.",
]


def progress(label, done, total, stream=sys.stderr):
    """One line on stderr, redrawn: ``label [#####.....] 50/100``."""
    width = 30
    filled = width * done // total if total else width
    stream.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        stream.write("\n")
    stream.flush()


def counts(scale):
    """How many of each kind a run at ``scale`` adds to the demo content."""
    return {
        kind: max(1, round(base * min(scale, 1)) + round(per * max(scale - 1, 0)))
        for kind, (base, per) in PER_SCALE.items()
    }


def marker_scale():
    """The scale recorded by a previous run, or None when the database is not marked."""
    for name in Collection.objects.filter(name__startswith=MARKER).values_list("name", flat=True):
        try:
            return float(name.rsplit(" ", 1)[1])
        except (IndexError, ValueError):
            continue
    return None


def holds_other_content():
    """Whether the database holds content that this module did not write: any account or
    any page below the site's root page, without the synthetic marker."""
    if marker_scale() is not None:
        return False
    return User.objects.exists() or Page.objects.filter(depth__gt=2).exists()


class Builder:
    """Adds the synthetic pages and rows; ``rng`` makes a run reproducible."""

    def __init__(self, scale, seed=1, stderr=sys.stderr, show_progress=True):
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 (made-up content, not secrets)
        self.stderr = stderr
        self.show_progress = show_progress
        self.now = timezone.now()
        self.slugs = set()
        self.comment_threads = {}  # comment's index -> (thread id, id replied to)

    # -- pages ----------------------------------------------------------------------------

    def children_paths(self, parent, count):
        """The next ``count`` tree paths below ``parent`` (treebeard's materialised path)."""
        parent.refresh_from_db(fields=["path", "depth", "numchild"])
        last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        last = last.order_by("-path").values_list("path", flat=True).first()
        start = Page._str2int(last[-Page.steplen :]) if last else 0
        paths = [
            Page._get_path(parent.path, parent.depth + 1, start + number)
            for number in range(1, count + 1)
        ]
        Page.objects.filter(pk=parent.pk).update(numchild=models.F("numchild") + count)
        return paths

    def clone(self, template, parent, path, title, slug, **changes):
        """A copy of ``template`` (a specific page) under ``parent`` at ``path``, saved live,
        with its inline rows, many-to-many rows and tags."""
        cls = type(template)
        skip = {"id", "page_ptr", "path", "depth", "numchild", "url_path", "translation_key"}
        skip |= {"latest_revision", "live_revision", "locked_by", "locked_at", "locked"}
        skip |= {"alias_of", "owner", "latest_revision_created_at"}
        values = {
            field.attname: getattr(template, field.attname)
            for field in cls._meta.concrete_fields
            if field.name not in skip and not field.primary_key
        }
        values.update(
            title=title,
            draft_title=title,
            slug=slug,
            path=path,
            depth=parent.depth + 1,
            numchild=0,
            translation_key=uuid.uuid4(),
            live=True,
            has_unpublished_changes=False,
            first_published_at=changes.pop("published_at", self.now),
            last_published_at=None,
        )
        values["last_published_at"] = values["first_published_at"]
        values.update(changes)
        page = cls(**values)
        page.get_parent = lambda *args, **kwargs: parent  # set_url_path's one lookup
        page.save(clean=False)
        self.copy_relations(template, page)
        return page

    def copy_relations(self, template, page):
        """Inline (ParentalKey) rows and many-to-many rows of ``template`` onto ``page``."""
        for field in type(template)._meta.many_to_many:
            through = getattr(field.remote_field, "through", None)
            if through is None or field.name == "tags":
                continue
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            rows = through.objects.filter(**{source: template.pk}).values_list(target, flat=True)
            through.objects.bulk_create(
                [through(**{f"{source}_id": page.pk, f"{target}_id": row}) for row in rows]
            )
        for relation in type(template)._meta.related_objects:
            if not isinstance(relation.field, ParentalKey):
                continue
            model = relation.related_model
            rows = list(model.objects.filter(**{relation.field.name: template.pk}))
            m2m = [f for f in model._meta.many_to_many if f.remote_field.through]
            links = {
                f.name: {
                    row.pk: list(getattr(row, f.name).values_list("pk", flat=True)) for row in rows
                }
                for f in m2m
            }
            old = [row.pk for row in rows]
            for row in rows:
                row.pk = None
                row.id = None
                setattr(row, relation.field.attname, page.pk)
            model.objects.bulk_create(rows)
            for f in m2m:
                through = f.remote_field.through
                source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
                through.objects.bulk_create(
                    [
                        through(**{f"{source}_id": row.pk, f"{target}_id": target_id})
                        for old_pk, row in zip(old, rows, strict=True)
                        for target_id in links[f.name][old_pk]
                    ]
                )

    def unique_slug(self, text):
        base = slugify(text)[:70] or "page"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug

    def make_pages(self, label, parent, templates, count, fields):
        """``count`` copies of ``templates`` (round robin) under ``parent``; ``fields(i)``
        gives each one's title and changes."""
        templates = list(templates)
        if not templates or count <= 0:
            return []
        self.slugs = set(parent.get_children().values_list("slug", flat=True))
        pages = []
        for index, path in enumerate(self.children_paths(parent, count)):
            title, changes = fields(index)
            template = templates[index % len(templates)]
            slug = self.unique_slug(title)
            pages.append(self.clone(template, parent, path, title, slug, **changes))
            if self.show_progress and (index % 50 == 49 or index == count - 1):
                progress(label, index + 1, count, self.stderr)
        return pages

    def restrict(self, pages):
        """Members and coordinators only, in bulk (as ``restrict_to_members`` does one by one)."""
        groups = [
            Group.objects.get_or_create(name=n)[0] for n in (MEMBERS_GROUP, COORDINATORS_GROUP)
        ]
        restrictions = PageViewRestriction.objects.bulk_create(
            [
                PageViewRestriction(page=p, restriction_type=PageViewRestriction.GROUPS)
                for p in pages
            ]
        )
        through = PageViewRestriction.groups.through
        through.objects.bulk_create(
            [
                through(pageviewrestriction_id=r.pk, group_id=g.pk)
                for r in restrictions
                for g in groups
            ]
        )

    def town(self):
        return (
            self.rng.choice(TOWNS).replace("-", " ")
            if self.rng.random() < 0.2
            else (self.rng.choice(TOWNS))
        )

    def day(self, start=datetime.date(2009, 11, 1), end=datetime.date(2026, 6, 30)):
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def aware(self, day, hour=10):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    # -- kinds ----------------------------------------------------------------------------

    def structures(self, count):
        def fields(index):
            town = TOWNS[index % len(TOWNS)]
            kind = KINDS[(index // len(TOWNS)) % len(KINDS)]
            title = f"{kind} {town}"
            if index >= len(TOWNS) * len(KINDS):
                title += f" ({index // (len(TOWNS) * len(KINDS)) + 1})"
            changes = {"population": self.rng.randint(800, 250_000)}
            if index % 3 == 0:  # members-only sections on a third of them
                changes["diagnostic_visibility"] = SectionVisibility.MEMBERS
                changes["action_plan_visibility"] = SectionVisibility.MEMBERS
            return title, changes

        index = StructureIndexPage.objects.get()
        templates = StructurePage.objects.child_of(index).order_by("path")
        return self.make_pages("structures", index, templates, count, fields)

    def posts(self, count, structures):
        def fields(index):
            topic, town = self.rng.choice(TOPICS), self.town()
            title = f"{topic.capitalize()} : {self.rng.choice(ANGLES).format(town=town)}"
            day = self.day()
            summary = (
                f"Comment les acheteurs de {town} ont intégré des critères durables dans leurs "
                f"achats de {topic} (contenu synthétique)."
            )
            return title, {
                "date": day,
                "summary": summary,
                "structure_id": self.rng.choice(structures).pk if structures else None,
                "published_at": self.aware(day),
            }

        blog = BlogIndexPage.objects.get()
        templates = BlogPostPage.objects.child_of(blog).order_by("path")
        pages = self.make_pages("articles", blog, templates, count, fields)
        self.copy_tags(templates, pages)
        return pages

    def copy_tags(self, templates, pages):
        templates = list(templates)
        tags = {
            t.pk: list(
                BlogPostTag.objects.filter(content_object=t).values_list("tag_id", flat=True)
            )
            for t in templates
        }
        BlogPostTag.objects.bulk_create(
            [
                BlogPostTag(content_object_id=page.pk, tag_id=tag)
                for index, page in enumerate(pages)
                for tag in tags[templates[index % len(templates)].pk]
            ]
        )

    def lessons(self, count):
        def fields(index):
            topic = self.rng.choice(TOPICS)
            title = f"{topic.capitalize()} : ce que {self.town()} a appris"
            return title, {"published_at": self.aware(self.day()), "featured": False}

        index = LessonIndexPage.objects.get()
        templates = LessonPage.objects.child_of(index).order_by("path")
        return self.make_pages("enseignements", index, templates, count, fields)

    def resources(self, count):
        def fields(index):
            topic = self.rng.choice(TOPICS)
            title = f"Guide : acheter des {topic} durables ({self.town()})"
            return title, {
                "published_at": self.aware(self.day()),
                "audience": ResourceAudience.PUBLIC,
                "team_structure_id": None,
            }

        index = ResourceIndexPage.objects.get()
        templates = ResourcePage.objects.child_of(index).order_by("path")
        return self.make_pages("ressources", index, templates, count, fields)

    def events(self, count):
        def fields(index):
            day = self.day(end=datetime.date(2027, 12, 31))
            town = self.town()
            title = f"Réunion d'échange sur les {self.rng.choice(TOPICS)} à {town}"
            start = self.aware(day, 9)
            return title, {
                "start": start,
                "end": start + datetime.timedelta(hours=3),
                "place": f"{town} (lieu fictif)",
            }

        agenda = EventIndexPage.objects.get()
        templates = EventPage.objects.child_of(agenda).order_by("path")
        return self.make_pages("événements", agenda, templates, count, fields)

    def members(self, count, structures):
        """Approved members (one password hash for all), in the members' group, some with a
        structure."""
        password = make_password(MEMBER_PASSWORD)
        start = User.objects.filter(email__startswith="synthetique-").count()
        users = User.objects.bulk_create(
            [
                User(
                    email=f"synthetique-{number:05d}@exemple.fr",
                    first_name=self.rng.choice(["Camille", "Dominique", "Claude", "Alex", "Sacha"]),
                    last_name=f"{self.rng.choice(TOWNS)} {number}",
                    job_title=self.rng.choice(["Acheteur public", "Juriste marchés", "Élue"]),
                    password=password,
                    status=User.Status.APPROVED,
                    status_changed_at=self.now,
                    profile_visibility=User.Visibility.MEMBERS,
                )
                for number in range(start + 1, start + count + 1)
            ]
        )
        users = list(User.objects.filter(email__startswith="synthetique-").order_by("pk"))[-count:]
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
        )
        group = Group.objects.get_or_create(name=MEMBERS_GROUP)[0]
        through = User.groups.through
        through.objects.bulk_create([through(user_id=u.pk, group_id=group.pk) for u in users])
        if structures:
            Membership.objects.bulk_create(
                [
                    Membership(user=u, structure=self.rng.choice(structures), role=role)
                    for u in users[: len(users) // 3]
                    for role in [self.rng.choice(list(Membership.Role))]
                ]
            )
        return users

    def comments(self, posts, users):
        """Comments (Markdown text with its HTML) and some replies, in bulk on the three tables
        of django-comments-xtd's multi-table models."""
        if not users:
            return 0
        content_type = ContentType.objects.get_for_model(BlogPostPage)
        specs = []  # (post, user, text, date, reply_to_index)
        for post in posts:
            for number in range(self.rng.randint(*COMMENTS_PER_POST)):
                text = self.rng.choice(COMMENTS).format(
                    topic=self.rng.choice(TOPICS), town=self.rng.choice(TOWNS)
                )
                date = self.aware(post.date + datetime.timedelta(days=number + 1), 10 + number)
                reply = len(specs) - 1 if number and self.rng.random() < 0.3 else None
                specs.append((post, self.rng.choice(users), text, date, reply))
        total, batch = len(specs), 500
        for start in range(0, total, batch):
            self.insert_comments(specs, start, min(start + batch, total), content_type)
            if self.show_progress:
                progress("commentaires", min(start + batch, total), total, self.stderr)
        return total

    def insert_comments(self, specs, start, stop, content_type):
        rows = []
        for post, user, text, date, _ in specs[start:stop]:
            rows.append(
                Comment(
                    content_type=content_type,
                    object_pk=str(post.pk),
                    site_id=settings.SITE_ID,
                    user=user,
                    user_name=user.get_full_name()[:50],
                    user_email=user.email,
                    comment=text,
                    submit_date=date,
                    is_public=True,
                    is_removed=False,
                )
            )
        Comment.objects.bulk_create(rows)
        xtd_fields = list(XtdComment._meta.local_concrete_fields)
        blog_fields = list(BlogComment._meta.local_concrete_fields)
        xtd, blog = [], []
        ids = self.comment_threads
        for offset, (row, spec) in enumerate(zip(rows, specs[start:stop], strict=True)):
            index = start + offset
            reply = spec[4]
            parent = ids.get(reply)
            item = BlogComment(pk=row.pk, comment_ptr_id=row.pk, xtdcomment_ptr_id=row.pk)
            item.thread_id = parent[0] if parent else row.pk
            item.parent_id = parent[1] if parent else row.pk
            item.level = 1 if parent else 0
            item.order = 2 if parent else 1
            item.followup = False
            item.nested_count = 0
            item.body_html = f"<p>{html.escape(spec[2])}</p>".replace("**", "")
            ids[index] = (item.thread_id, item.thread_id)
            xtd.append(item)
            blog.append(item)
        XtdComment._base_manager._insert(xtd, fields=xtd_fields, using="default")
        BlogComment._base_manager._insert(blog, fields=blog_fields, using="default")


COPIED_MODELS = (StructurePage, BlogPostPage, LessonPage, ResourcePage, EventPage)


@contextlib.contextmanager
def wagtail_indexing_off():
    """Wagtail's own admin search index and reference index are not updated for each copy
    (two thirds of a copy's time): ``manage.py update_index`` and ``rebuild_references_index``
    fill them if the admin's search or usage counts are wanted on a benchmark database."""
    handlers = (post_save_signal_handler, update_reference_index_on_save)
    for model in COPIED_MODELS:
        for handler in handlers:
            post_save.disconnect(handler, sender=model)
    try:
        yield
    finally:
        for model in COPIED_MODELS:
            for handler in handlers:
                post_save.connect(handler, sender=model)


def build(scale, stdout, stderr=sys.stderr, show_progress=True, seed=1):
    """The demo content, then the synthetic pages at ``scale``; returns the counts added."""
    began = time.monotonic()
    wanted = counts(scale)
    builder = Builder(scale, seed=seed, stderr=stderr, show_progress=show_progress)
    with transaction.atomic():
        home = build_home(stdout)
        build_blog(home, stdout)
        build_knowledge(home, stdout)
        build_site_pages(home, stdout)
        build_accounts(stdout)
        build_posts(stdout)
        build_comments(stdout)
        build_lessons(stdout)
        root = Collection.get_first_root_node()
        root.add_child(name=f"{MARKER} {scale:g}")
        with wagtail_indexing_off():
            structures = builder.structures(wanted["structures"])
            all_structures = list(StructurePage.objects.all())
            posts = builder.posts(wanted["posts"], all_structures)
            lessons = builder.lessons(wanted["lessons"])
            resources = builder.resources(wanted["resources"])
            events = builder.events(wanted["events"])
        users = builder.members(wanted["members"], all_structures)
        comments = builder.comments(posts, users)
        restricted = []
        for pages in (posts, lessons):
            restricted += pages[::MEMBERS_ONLY_EVERY]
        builder.restrict(restricted)
        members_only = resources[::MEMBERS_ONLY_EVERY]
        ResourcePage.objects.filter(pk__in=[r.pk for r in members_only]).update(
            audience=ResourceAudience.MEMBERS
        )
        builder.restrict(members_only)
    added = {
        "structures": len(structures),
        "posts": len(posts),
        "lessons": len(lessons),
        "resources": len(resources),
        "events": len(events),
        "members": len(users),
        "comments": comments,
        "members_only": len(restricted) + len(members_only),
        "seconds": round(time.monotonic() - began, 1),
    }
    return added
