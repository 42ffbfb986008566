"""French grammar for names the site puts in sentences: "du Haillan", "qu'agent référent".

Sentences are written in English and translated; a structure's name and a role come in as
values. In French they need the preposition "de" contracted with the name's article
("de" + "Le Haillan" = "du Haillan") and "que" elided before a vowel ("qu'agent"). The
functions here do that when the active language is French and give the English otherwise.
"""

import re

from django.utils.translation import get_language

VOWELS = "aàâäeéèêëiîïoôöuùûüyœæh"
# Common nouns that open the names of public bodies, with their article: "Grand Dax" reads
# "du Grand Dax", "Communauté de communes ..." reads "de la Communauté de communes ...".
# An unknown first word is taken as a place name: "de Pessac", "d'Arcachon".
NOUN_ARTICLES = {
    "agglomération": "l'",
    "centre": "le",
    "commune": "la",
    "communauté": "la",
    "conseil": "le",
    "département": "le",
    "établissement": "l'",
    "eurométropole": "l'",
    "grand": "le",
    "grande": "la",
    "hôpital": "l'",
    "métropole": "la",
    "office": "l'",
    "pays": "le",
    "pôle": "le",
    "région": "la",
    "service": "le",
    "syndicat": "le",
    "ville": "la",
}
# Acronyms of public bodies: masculine unless they stand for a "communauté" (CC, CA, CU...).
FEMININE_ACRONYMS = {"CA", "CC", "CCAS", "CU", "COBAS", "CAPB", "CDA"}
ARTICLE = re.compile(r"^(?:(le|la|les)\s+|(l['’]))(\S.*)$", re.IGNORECASE)
ACRONYM = re.compile(r"^[A-ZÀ-Ý0-9]{2,}$")
# "COBAS (Communauté d'agglomération ...)": the expansion says the acronym's gender.
EXPANSION = re.compile(r"^\S+\s*\((\w+)")


def is_french():
    return (get_language() or "fr").split("-")[0] == "fr"


def starts_with_vowel(word):
    return bool(word) and word[0].lower() in VOWELS


def article_of(name):
    """The article a body's name takes in a sentence: "le", "la", "l'", "les" or ""."""
    first = name.split(maxsplit=1)[0] if name.split() else ""
    expansion = EXPANSION.match(name)
    if expansion and expansion.group(1).lower() in NOUN_ARTICLES:
        return "la" if NOUN_ARTICLES[expansion.group(1).lower()] == "la" else "le"
    if ACRONYM.match(first):
        return "la" if first in FEMININE_ACRONYMS else "le"
    article = NOUN_ARTICLES.get(first.lower(), "")
    if article in ("le", "la") and starts_with_vowel(first):
        return "l'"
    return article


def de(name):
    """``name`` after the preposition "de": "du Haillan", "de la Communauté de communes de
    l'Estuaire", "de l'Office ...", "des Landes", "d'Arcachon", "de Pessac"."""
    name = " ".join(name.split())
    match = ARTICLE.match(name)
    if match:
        article, rest = (match.group(1) or match.group(2)).lower(), match.group(3)
        if article == "le":
            return f"du {rest}"
        if article == "les":
            return f"des {rest}"
        return f"de {name[0].lower()}{name[1:]}"  # "de la ...", "de l'..."
    article = article_of(name)
    if article == "le":
        return f"du {name}"
    if article == "la":
        return f"de la {name}"
    if article == "l'":
        return f"de l'{name}"
    return f"d'{name}" if starts_with_vowel(name) else f"de {name}"


def que(words):
    """ "que" before ``words``, elided before a vowel: "qu'agent référent", "que membre"."""
    return f"qu'{words}" if words[:1].lower() in VOWELS.replace("h", "") else f"que {words}"


def of_name(name):
    """ "of <name>" in the active language: "du Haillan" in French, "of Le Haillan" in English."""
    return de(name) if is_french() else f"of {name}"


def as_role(role):
    """ "as <role>" in the active language: "en tant qu'agent référent", "as staff referent"."""
    return f"en tant {que(role)}" if is_french() else f"as {role}"
