"""Shared vocabularies of the programme. Every app takes them from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StructureType(models.TextChoices):
    """Kinds of public body that can join the programme (diversity criterion 1)."""

    COMMUNE = "commune", _("municipality")
    COMMUNAUTE_DE_COMMUNES = "communaute-de-communes", _("community of municipalities")
    COMMUNAUTE_AGGLOMERATION = "communaute-agglomeration", _("urban community")
    PAYS = "pays", _("pays (territorial grouping)")
    DEPARTEMENT = "departement", _("département")
    REGION = "region", _("region")
    ETABLISSEMENT_PUBLIC = "etablissement-public", _("public body")


class Departement(models.TextChoices):
    """The départements of Aquitaine (diversity criterion 4)."""

    DORDOGNE = "24", "Dordogne (24)"
    GIRONDE = "33", "Gironde (33)"
    LANDES = "40", "Landes (40)"
    LOT_ET_GARONNE = "47", "Lot-et-Garonne (47)"
    PYRENEES_ATLANTIQUES = "64", "Pyrénées-Atlantiques (64)"
