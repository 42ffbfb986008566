"""Data shared by the Elasticsearch backend's tests: entries, audiences, a canned answer."""

import datetime

from core.searchable import IndexEntry
from search.elasticsearch.documents import MARK_END, MARK_START
from search.privacy import Audience

VISITOR = Audience(excluded_paths=("00010002", "000100030004"), sees_members_only=False)
MEMBER = Audience(excluded_paths=(), sees_members_only=True)
ALIAS = "raa_test_search"


def entry(key="page:1", page_id=1, **fields):
    defaults = {
        "path": "000100010001",
        "kind": "lesson",
        "title": "Clause d'achat alimentaire",
        "url": "/enseignements/clause/",
        "summary": "Une clause pour les achats de denrées.",
        "body": "Le marché public de restauration collective.",
        "date": datetime.date(2025, 3, 14),
    }
    return IndexEntry(key=key, page_id=page_id, **{**defaults, **fields})


def canned_answer():
    """What Elasticsearch answers a faceted search with hits, highlights and suggestions."""
    return {
        "took": 3,
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "max_score": 7.5,
            "hits": [
                {
                    "_index": "raa_test_search-20261201-001500",
                    "_id": "page:12",
                    "_score": 7.5,
                    "_source": {
                        "kind": "lesson",
                        "title": "Clause d'achat",
                        "url": "/enseignements/clause/",
                        "date": "2025-03-14",
                        "structure": {"value": "pessac", "label": "Pessac"},
                        "facet_label": {"theme": ["alimentation\x1fAlimentation"]},
                    },
                    "highlight": {
                        "summary": ["Une clause pour les achats."],
                        "body": [f"les {MARK_START}achats{MARK_END} <script>alert(1)</script>"],
                    },
                },
                {
                    "_index": "raa_test_search-20261201-001500",
                    "_id": "page:13",
                    "_score": 1.25,
                    "_source": {"kind": "page", "title": "Mentions légales", "url": "/mentions/"},
                    "highlight": {"body": ["Éditeur du site & hébergeur"]},
                },
            ],
        },
        "aggregations": {
            "_filter_kind": {
                "doc_count": 42,
                "kind": {"buckets": [{"key": "lesson\x1flesson", "doc_count": 30}]},
            },
            "_filter_theme": {
                "doc_count": 42,
                "theme": {
                    "buckets": [
                        {"key": "alimentation\x1fAlimentation", "doc_count": 12},
                        {"key": "eau\x1fEau et énergie", "doc_count": 3},
                    ]
                },
            },
            "_filter_year": {
                "doc_count": 42,
                "year": {
                    "buckets": [
                        {"key": "2026\x1f2026", "doc_count": 4},
                        {"key": "2025\x1f2025", "doc_count": 20},
                    ]
                },
            },
            "_filter_sector": {"doc_count": 0, "sector": {"buckets": []}},
        },
        "suggest": {
            "spelling": [
                {
                    "text": "achta",
                    "offset": 0,
                    "length": 5,
                    "options": [{"text": "achat", "score": 0.8, "freq": 12}],
                },
                {"text": "clause", "offset": 6, "length": 6, "options": []},
            ]
        },
    }
