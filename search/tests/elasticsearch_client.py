"""A stand-in for ``elasticsearch.Elasticsearch`` in the backend's unit tests: Elasticsearch
is an outside service that cannot run on the test machine.

It keeps indices and aliases as a cluster would (so that an alias swap can be checked for
what readers would have seen at each step), records every call in order, and answers
searches with canned bodies, in turn.
"""

from elastic_transport import (
    ApiResponseMeta,
    HeadApiResponse,
    HttpHeaders,
    NodeConfig,
    ObjectApiResponse,
)
from elasticsearch import NotFoundError


def meta(status=200):
    return ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "localhost", 9200),
    )


def answer(body):
    """What the real client returns: no ``dict`` (no ``.get``), a body behind ``[]``."""
    return ObjectApiResponse(body=body, meta=meta())


def not_found(what):
    return NotFoundError(f"{what} missing", meta(404), {"error": {"type": "not_found"}})


EMPTY_ANSWER = {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


class RecordingIndices:
    def __init__(self, client):
        self.client = client

    def exists(self, index):
        self.client.record("indices.exists", index=index)
        found = index in self.client.aliases or any(
            index in aliases for aliases in self.client.aliases.values()
        )
        return HeadApiResponse(meta=meta(200 if found else 404))

    def create(self, index, aliases=None, **body):
        self.client.record("indices.create", index=index, aliases=aliases, **body)
        self.client.aliases[index] = set(aliases or ())

    def get_alias(self, name):
        self.client.record("indices.get_alias", name=name)
        found = {
            index: {"aliases": {name: {}}}
            for index, aliases in self.client.aliases.items()
            if name in aliases
        }
        if not found:
            raise not_found(name)
        return answer(found)

    def update_aliases(self, actions):
        self.client.record("indices.update_aliases", actions=actions)
        for action in actions:
            ((kind, target),) = action.items()
            if kind == "add":
                self.client.aliases[target["index"]].add(target["alias"])
            elif kind == "remove":
                self.client.aliases[target["index"]].discard(target["alias"])
            elif kind == "remove_index":
                del self.client.aliases[target["index"]]

    def delete(self, index, ignore_unavailable=False):
        self.client.record("indices.delete", index=index)
        for name in index.split(","):
            self.client.aliases.pop(name, None)

    def put_settings(self, index, settings):
        self.client.record("indices.put_settings", index=index, settings=settings)

    def refresh(self, index):
        self.client.record("indices.refresh", index=index)


class RecordingClient:
    def __init__(self, aliases=None, answers=(), refuse_bulk=False):
        self.aliases = {index: set(names) for index, names in (aliases or {}).items()}
        self.answers = list(answers)
        self.refuse_bulk = refuse_bulk
        self.calls = []
        self.indices = RecordingIndices(self)

    def options(self, **kwargs):
        self.record("options", **kwargs)
        return self

    def record(self, call, /, **kwargs):
        self.calls.append((call, kwargs))

    def called(self, name):
        return [kwargs for call, kwargs in self.calls if call == name]

    def readable(self, alias):
        """The indices a reader going through ``alias`` sees now."""
        return {index for index, aliases in self.aliases.items() if alias in aliases}

    def bulk(self, operations, **params):
        self.record("bulk", operations=operations, **params)
        actions = operations[::2]
        if self.refuse_bulk:
            items = [
                {"index": {"_id": a["index"]["_id"], "status": 400, "error": {"type": "x"}}}
                for a in actions
            ]
            return answer({"errors": True, "items": items})
        items = [{"index": {"_id": a["index"]["_id"], "status": 201}} for a in actions]
        return answer({"errors": False, "items": items})

    def delete_by_query(self, **kwargs):
        self.record("delete_by_query", **kwargs)
        return answer({"deleted": 0})

    def search(self, **kwargs):
        self.record("search", **kwargs)
        return answer(self.answers.pop(0) if self.answers else EMPTY_ANSWER)
