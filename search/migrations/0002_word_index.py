"""An index over the stems of ``SearchDocument`` so that a search reads the matching entries
only (``search.backends.database.StemIndex``): on SQLite an FTS5 table over the three term
columns, kept in step by triggers; on PostgreSQL a generated ``tsvector`` column per term
column ('simple' configuration: the stems are already folded and stemmed), each with a GIN
index. Nothing on other engines (the backend then scans, as before)."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_searchdocument_fts USING fts5(
        title_terms, summary_terms, body_terms,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    """CREATE TRIGGER search_searchdocument_fts_insert AFTER INSERT ON search_searchdocument
    BEGIN
        INSERT INTO search_searchdocument_fts(rowid, title_terms, summary_terms, body_terms)
        VALUES (new.id, new.title_terms, new.summary_terms, new.body_terms);
    END""",
    """CREATE TRIGGER search_searchdocument_fts_delete AFTER DELETE ON search_searchdocument
    BEGIN
        INSERT INTO search_searchdocument_fts(
            search_searchdocument_fts, rowid, title_terms, summary_terms, body_terms
        ) VALUES ('delete', old.id, old.title_terms, old.summary_terms, old.body_terms);
    END""",
    """CREATE TRIGGER search_searchdocument_fts_update AFTER UPDATE ON search_searchdocument
    BEGIN
        INSERT INTO search_searchdocument_fts(
            search_searchdocument_fts, rowid, title_terms, summary_terms, body_terms
        ) VALUES ('delete', old.id, old.title_terms, old.summary_terms, old.body_terms);
        INSERT INTO search_searchdocument_fts(rowid, title_terms, summary_terms, body_terms)
        VALUES (new.id, new.title_terms, new.summary_terms, new.body_terms);
    END""",
    "INSERT INTO search_searchdocument_fts(search_searchdocument_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_searchdocument_fts_insert",
    "DROP TRIGGER IF EXISTS search_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS search_searchdocument_fts_update",
    "DROP TABLE IF EXISTS search_searchdocument_fts",
]
COLUMNS = ("title_terms", "summary_terms", "body_terms")
POSTGRESQL = [
    statement
    for column in COLUMNS
    for statement in (
        f"ALTER TABLE search_searchdocument ADD COLUMN {column}_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {column})) STORED",
        f"CREATE INDEX search_searchdocument_{column}_gin ON search_searchdocument "
        # Without a pending list, a search never reads unsorted recent entries one by one.
        f"USING gin ({column}_vector) WITH (fastupdate = off)",
    )
]
POSTGRESQL_REVERSE = [
    f"ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS {column}_vector"
    for column in COLUMNS
]


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements.get(vendor, ()):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
