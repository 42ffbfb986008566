"""Demo resources: one of each main kind, with small files generated here (nothing downloaded).

Illustrative, as the rest of the demo: every summary says so. One resource has two versions of
its file; one is for network members, one for Pessac's team. Found by slug before being
created, so running the loader twice changes nothing.
"""

import datetime
import io
import zipfile
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from core.demo import get_or_create_child

from .models import (
    ResourceFile,
    ResourceIndexPage,
    ResourceKind,
    ResourcePage,
    StructurePage,
)
from .resource_access import ResourceAudience
from .vocabularies import Sector, Theme

ILLUSTRATIVE = "Ressource illustrative (donnée de démonstration). "


def pdf_bytes(text):
    """A one-page PDF showing ``text`` (ASCII only), valid for any PDF reader."""
    text = text.encode("ascii", "replace").decode().replace("\\", "").replace("(", "")
    text = text.replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def odt_bytes(paragraphs):
    """An OpenDocument text holding ``paragraphs``."""
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # The mimetype entry comes first and uncompressed, as the format requires.
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def csv_bytes(rows):
    return "\r\n".join(";".join(row) for row in rows).encode("utf-8") + b"\r\n"


KEY_DOCUMENTS = [
    ("Document", "Pourquoi", "Qui le détient"),
    ("Délibération sur les engagements", "Cadre politique de la démarche", "Direction générale"),
    ("Guide interne de la commande publique", "Organisation des achats", "Service achats"),
    ("Liste des marchés en cours", "Repérer les échéances", "Service achats"),
    ("Agenda 21 ou Plan Climat", "Objectifs de développement durable", "Chargé de mission"),
]

# (slug, title, kind, audience, summary, body, themes, sectors, files)
# files: [(label, file name, bytes, date, note)], oldest first.
RESOURCES = [
    (
        "liste-indicative-documents-cles",
        "Liste indicative des documents clés",
        ResourceKind.KEY_DOCUMENTS,
        ResourceAudience.PUBLIC,
        "Les documents à rassembler pour l'analyse documentaire du diagnostic.",
        "## Comment s'en servir\n\nCochez les documents réunis et notez qui les détient.",
        [],
        [],
        [
            (
                "Liste des documents clés",
                "liste-documents-cles.csv",
                csv_bytes(KEY_DOCUMENTS[:3]),
                datetime.date(2009, 12, 17),
                "",
            ),
            (
                "Liste des documents clés",
                "liste-documents-cles-v2.csv",
                csv_bytes(KEY_DOCUMENTS),
                datetime.date(2010, 2, 1),
                "Ajout de l'Agenda 21 et de la liste des marchés en cours.",
            ),
        ],
    ),
    (
        "guide-entretien-elus-directions",
        "Guide d'entretien avec les élus et les directions",
        ResourceKind.INTERVIEW_GUIDE,
        ResourceAudience.PUBLIC,
        "Les questions posées aux élus et aux directeurs pendant les entretiens.",
        "Une heure par entretien, en binôme. Les réponses nourrissent le diagnostic.",
        [],
        [],
        [
            (
                "Guide d'entretien",
                "guide-entretien.odt",
                odt_bytes(
                    [
                        "Guide d'entretien (illustratif)",
                        "1. Quelle place les achats tiennent-ils dans votre politique ?",
                        "2. Quels freins voyez-vous à des achats responsables ?",
                    ]
                ),
                datetime.date(2010, 1, 10),
                "",
            )
        ],
    ),
    (
        "support-formation-achats-responsables",
        "Support de la formation aux achats responsables",
        ResourceKind.TRAINING,
        ResourceAudience.MEMBERS,
        "Le support de la formation suivie par les équipes projet.",
        "Réservé aux membres du réseau.",
        [],
        [],
        [
            (
                "Support de formation",
                "support-formation.pdf",
                pdf_bytes("Formation achats responsables (illustratif)"),
                datetime.date(2010, 3, 5),
                "",
            )
        ],
    ),
    (
        "clause-type-insertion",
        "Clause type : insertion par l'activité économique",
        ResourceKind.TEMPLATE,
        ResourceAudience.PUBLIC,
        "Une clause d'exécution à adapter à chaque marché.",
        "À insérer dans le cahier des clauses administratives particulières.",
        [],
        [],
        [
            (
                "Clause type",
                "clause-type-insertion.odt",
                odt_bytes(["Clause d'insertion (illustrative)", "Le titulaire s'engage à…"]),
                datetime.date(2010, 4, 12),
                "",
            )
        ],
    ),
    (
        "compte-rendu-comite-pessac",
        "Compte rendu du comité de pilotage de Pessac",
        ResourceKind.MINUTES,
        ResourceAudience.TEAM,
        "Le compte rendu interne du comité de pilotage.",
        "Réservé à l'équipe projet de Pessac et à la coordination.",
        [],
        [],
        [
            (
                "Compte rendu",
                "compte-rendu-comite.pdf",
                pdf_bytes("Compte rendu du comite de pilotage (illustratif)"),
                datetime.date(2010, 5, 20),
                "",
            )
        ],
    ),
]


def make_document(title, file_name, content):
    document = get_document_model()(title=title)
    document.file.save(file_name, ContentFile(content), save=False)
    document.save()
    return document


def build_resources(home, stdout):
    """The demo resources under ``/ressources/`` (created once; never overwritten)."""
    index = ResourceIndexPage.objects.child_of(home).first()
    if index is None:
        return
    pessac = StructurePage.objects.filter(slug="pessac").first()
    themes = list(Theme.objects.all()[:3])
    sectors = list(Sector.objects.all()[:3])
    created = 0
    for number, (slug, title, kind, audience, summary, body, *_rest, files) in enumerate(RESOURCES):
        if ResourcePage.objects.child_of(index).filter(slug=slug).exists():
            continue
        if audience == ResourceAudience.TEAM and pessac is None:
            continue
        page, _ = get_or_create_child(
            index,
            ResourcePage,
            slug,
            title=title,
            kind=kind,
            audience=audience,
            team_structure=pessac if audience == ResourceAudience.TEAM else None,
            summary=ILLUSTRATIVE + summary,
            body=body,
        )
        if themes:
            page.themes.set([themes[number % len(themes)]])
        if sectors and number % 2 == 0:
            page.sectors.set([sectors[number % len(sectors)]])
        if pessac is not None and number in (0, 4):
            page.structures.set([pessac])
        for order, (label, file_name, content, date, note) in enumerate(files):
            ResourceFile.objects.create(
                page=page,
                label=label,
                document=make_document(label, file_name, content),
                version_date=date,
                change_note=note,
                sort_order=order,
            )
        page.save_revision().publish()
        created += 1
    stdout.write(f"Resources ready: /ressources/ ({created} created, {len(RESOURCES)} in all).")
