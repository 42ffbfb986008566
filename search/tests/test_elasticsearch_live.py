"""The backend-agnostic behaviour tests against a real Elasticsearch 8, when one is given:

    docker run --rm -p 9200:9200 -e discovery.type=single-node \\
        -e xpack.security.enabled=false docker.elastic.co/elasticsearch/elasticsearch:8.19.3
    ELASTICSEARCH_URL=http://127.0.0.1:9200 pytest search/tests/test_elasticsearch_live.py

Each test gets a fresh alias (``raa_test_<random>``), deleted with its indices afterwards.
Without ``ELASTICSEARCH_URL`` the whole module is skipped (no server can run on CI).
"""

import os
import uuid

import pytest

URL = os.environ.get("ELASTICSEARCH_URL", "")
if not URL:
    pytest.skip("ELASTICSEARCH_URL is not set: no Elasticsearch to test", allow_module_level=True)

from search.backends.elasticsearch import ElasticsearchBackend  # noqa: E402
from search.results import parse_query  # noqa: E402
from search.tests.backend_behaviour import BackendBehaviour  # noqa: E402
from search.tests.elasticsearch_data import VISITOR, entry  # noqa: E402


@pytest.fixture
def live_backend():
    alias = f"raa_test_{uuid.uuid4().hex[:12]}"
    backend = ElasticsearchBackend({"URL": URL, "INDEX": alias, "TIMEOUT": 30})
    yield backend
    # Wildcard deletes are refused by default (action.destructive_requires_name): by name.
    indices = backend.client.indices.get(index=f"{alias}*", ignore_unavailable=True)
    if indices:
        backend.client.indices.delete(index=",".join(indices))


class TestElasticsearchBehaviour(BackendBehaviour):
    @pytest.fixture
    def backend(self, live_backend):
        return live_backend


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("achat", "achats"),
        ("clause", "Clauses"),
        ("élu", "elus"),
        ("l'achat", "achat"),
        ("d’élus", "élu"),  # typographic apostrophe
        ("le marché de la cantine", "marchés cantines"),  # stop words dropped
    ],
)
def test_the_french_analyzer_on_the_server_makes_these_the_same_words(live_backend, one, other):
    live_backend.rebuild([])

    def words(text):
        analysed = live_backend.client.indices.analyze(
            index=live_backend.alias, analyzer="raa_french", text=text
        )
        return [token["token"] for token in analysed["tokens"]]

    assert words(one) == words(other) != []


def test_a_rebuild_swaps_the_alias_and_deletes_the_old_index(live_backend):
    client = live_backend.client
    live_backend.rebuild([entry("page:1", 1, title="Diagnostic")])
    (first,) = client.indices.get_alias(name=live_backend.alias)
    entries = [entry(f"page:{n}", n, title=f"Diagnostic {n}") for n in range(2, 5)]

    live_backend.rebuild(iter(entries), total=3)

    (second,) = client.indices.get_alias(name=live_backend.alias)
    assert second != first
    assert not client.indices.exists(index=first)
    assert live_backend.search(parse_query("diagnostic"), VISITOR).total == 3


def test_searching_before_any_build_finds_nothing(live_backend):
    response = live_backend.search(parse_query("achats"), VISITOR)

    assert response.total == 0 and response.results == []
