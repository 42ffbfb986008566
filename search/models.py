"""The database search backend's index (``search.backends.database``).

One ``SearchDocument`` per ``core.searchable.IndexEntry``, its facet values in
``SearchFacetValue`` (kind, year and structure included, so one aggregation counts every facet)
and the words of the entries anyone may read in ``SearchWord`` (the "did you mean" vocabulary,
each word with the number of those entries holding it). Rows of a page are replaced together
by the backend; no foreign key to Wagtail's pages: the indexer removes what no longer exists.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    key = models.CharField(_("key"), max_length=255, unique=True)
    page_id = models.PositiveIntegerField(_("page id"), db_index=True)
    path = models.CharField(_("tree path"), max_length=255, db_index=True)
    kind = models.CharField(_("type"), max_length=20)
    title = models.TextField(_("title"))
    url = models.CharField(_("URL"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    structure_value = models.CharField(_("structure"), max_length=100, blank=True)
    structure_label = models.CharField(_("structure name"), max_length=255, blank=True)
    members_only = models.BooleanField(_("members only"), default=False)
    demoted = models.BooleanField(_("ranked last"), default=False)
    public = models.BooleanField(_("public"), default=True)
    # Folded French stems, " stem stem ", one column per weight (see search.text).
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # Folded words of title, summary and body, for quoted phrases.
    phrase_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return self.key


class SearchFacetValue(models.Model):
    # DO_NOTHING: the backend deletes facet values before their documents, in one query each;
    # the foreign key still guards the database.
    document = models.ForeignKey(
        SearchDocument, on_delete=models.DO_NOTHING, related_name="facet_values"
    )
    facet = models.CharField(_("facet"), max_length=30)
    value = models.CharField(_("value"), max_length=100)
    label = models.CharField(_("label"), max_length=255)

    class Meta:
        verbose_name = _("search facet value")
        verbose_name_plural = _("search facet values")
        indexes = [models.Index(fields=["facet", "value"], name="search_facet_value_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "facet", "value"], name="search_facet_value_once"
            )
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


class SearchWord(models.Model):
    """A word of the entries anyone may read, with the number of such entries holding it:
    suggestions come from these only, and a word goes when its last public entry does."""

    word = models.CharField(_("word"), max_length=60, unique=True)  # lower case, as written
    folded = models.CharField(_("folded word"), max_length=60)
    stem = models.CharField(_("stem"), max_length=60)
    # Not a PositiveIntegerField: counts are changed by F() increments, and a word at zero or
    # below is deleted rather than refused.
    documents = models.IntegerField(_("public entries"), default=0)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [
            models.Index(fields=["folded"], name="search_word_folded_idx"),
            models.Index(fields=["stem"], name="search_word_stem_idx"),
        ]

    def __str__(self):
        return self.word
