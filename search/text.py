"""French text for the database search: folding, words, stems and the highlighted snippet.

Both sides of a search go through the same functions: the index stores the stems of an entry's
words, a query is reduced to the stems of its words, and they match when the stems are equal.
Words are folded (lower case, accents and ligatures removed) *before* they are stemmed, so a
reader who types without accents finds the accented words: ``elu`` finds ``élu``, ``economie``
finds ``économie``; the Snowball French stemmer (``snowballstemmer``) then makes ``achats``
``achat`` and ``clauses`` ``claus``, like ``clause``.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"\w+")
SNIPPET_WORDS = 30
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})

# Folded French stop words: articles, pronouns, prepositions, conjunctions and the commonest
# forms of "être" and "avoir". Elided forms ("l'", "d'", "qu'") are single letters here.
_STOP_WORDS = """
    a ai aie aient aies ait as au aux avec avez avons c ca ce ceci cela celle celles celui ces
    cet cette ceux d dans de des du elle elles en es est et etaient etais etait etant ete etes
    etre eu eux il ils j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne nos
    notre nous on ont ou par pas pour qu que quel quelle quelles quels qui s sa sans se sera
    ses si son sont sur t ta te tes toi ton tu un une vos votre vous y
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_stemmer = snowballstemmer.stemmer("french")


def fold(text):
    """``text`` lower-cased, without accents or ligatures: "Économie" gives "economie"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text):
    """The folded words of ``text``, in order, stop words included."""
    return WORD.findall(fold(text))


def _trim(stemmed):
    # The French Snowball stemmer keeps the "s" of "-us" ("élus" stays "élus" while "élu" is
    # "élu"); it is dropped here, on the index and the query alike, so singular and plural meet.
    if len(stemmed) > 3 and stemmed.endswith("s") and not stemmed.endswith("ss"):
        return stemmed[:-1]
    return stemmed


@lru_cache(maxsize=50_000)
def stem(word):
    """The stem of one folded word."""
    return _trim(_stemmer.stemWord(word))


@lru_cache(maxsize=50_000)
def word_stems(word):
    """The stems a word stands for, none for a stop word: the stem of the folded word (equal
    for "économie" and "economie") and, when they differ, the folded stem of the word as
    written (the stemmer reads suffixes with accents: "durabilité" also gives "durabl", the
    stem of "durable")."""
    lower = word.translate(LIGATURES).casefold()
    folded = fold(lower)
    if folded in STOP_WORDS:
        return ()
    return tuple(dict.fromkeys((stem(folded), fold(_trim(_stemmer.stemWord(lower))))))


def tokens(text):
    """The words of ``text`` as written (composed, so an accent never splits a word)."""
    return WORD.findall(unicodedata.normalize("NFC", text or ""))


def stems(text):
    """The distinct stems of ``text``'s words, stop words left out, in order of appearance."""
    return list(dict.fromkeys(s for word in tokens(text) for s in word_stems(word)))


def term_string(*texts):
    """The stems of ``texts`` as the index stores them: " stem stem " (spaces around each, so
    that ``contains(" stem ")`` matches a whole stem and nothing else)."""
    found = dict.fromkeys(s for text in texts for s in stems(text))
    return f" {' '.join(found)} " if found else ""


def phrase_string(*texts):
    """``texts`` folded, one space between words and " | " between texts, so that a quoted
    phrase matches as ``contains(" w1 w2 ")`` and never across two fields."""
    return " " + " | ".join(" ".join(words(text)) for text in texts) + " "


def query_stems(query_words):
    """What a query looks for: for each distinct word that is not a stop word, its stems (an
    entry matches the word when it holds one of them)."""
    return list(dict.fromkeys(filter(None, (word_stems(word) for word in query_words))))


def query_phrase(phrase):
    """A query phrase (a tuple of words) as ``phrase_string`` holds it: " w1 w2 "."""
    return " " + " ".join(w for word in phrase for w in words(word)) + " "


class Highlighter:
    """Finds the passage of an entry's text where the query's words are and marks them."""

    def __init__(self, query_words, phrases=()):
        self.stems = {s for stems in query_stems(query_words) for s in stems}
        self.phrase_words = {
            w for phrase in phrases for word in phrase for w in words(word) if w not in STOP_WORDS
        }

    def is_hit(self, word):
        return fold(word) in self.phrase_words or not self.stems.isdisjoint(word_stems(word))

    def best_window(self, text, size):
        """``(hits, start, end, tokens, flags)`` for the ``size`` words of ``text`` holding the
        most query words (the first such passage, started a few words before its first hit)."""
        tokens = list(WORD.finditer(text))  # text is NFC (see snippet)
        flags = [self.is_hit(m.group()) for m in tokens]
        if len(tokens) <= size:
            return sum(flags), 0, len(tokens), tokens, flags
        running = best = sum(flags[:size])
        best_start = 0
        for start in range(1, len(tokens) - size + 1):
            running += flags[start + size - 1] - flags[start - 1]
            if running > best:
                best, best_start = running, start
        if best:
            first_hit = flags.index(True, best_start)
            lead = max(0, min(first_hit - 5, len(tokens) - size))
            if sum(flags[lead : lead + size]) == best:
                best_start = lead
        return best, best_start, best_start + size, tokens, flags

    def snippet(self, *texts, size=SNIPPET_WORDS):
        """The best passage among ``texts`` (say summary then body), HTML-escaped, the query's
        words in ``<mark>``; without any hit, the start of the first non-empty text."""
        best = None
        for text in texts:
            if not text or not text.strip():
                continue
            text = unicodedata.normalize("NFC", text)
            window = (text, *self.best_window(text, size))
            if best is None or window[1] > best[1]:
                best = window
        if best is None:
            return SafeString("")
        text, _hits, start, end, tokens, flags = best
        if not tokens:
            return SafeString(escape(" ".join(text.split())[:300]))
        parts = ["… " if start > 0 else ""]
        position = tokens[start].start() if start else 0
        for match, hit in zip(tokens[start:end], flags[start:end], strict=True):
            parts.append(escape(text[position : match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>" if hit else escape(match.group()))
            position = match.end()
        if end < len(tokens):
            parts.append(" …")
        else:
            parts.append(escape(text[position:]))
        return mark_safe(" ".join("".join(parts).split()))  # noqa: S308 - every part escaped
