"""A search backend that only records what it is given: the indexing tests do not depend on
the database or Elasticsearch backends. Select it with
``settings.RAA_SEARCH = {"BACKEND": "search.tests.recording.RecordingBackend"}``."""

from search.backends import SearchBackend

PATH = "search.tests.recording.RecordingBackend"


class RecordingBackend(SearchBackend):
    entries = {}  # page id -> its entries, shared by every instance (one test at a time)
    calls = []  # ("update", page_id) / ("remove", page_ids) / ("rebuild", count)

    @classmethod
    def reset(cls):
        cls.entries.clear()
        cls.calls.clear()

    def update(self, page_id, entries):
        self.calls.append(("update", page_id))
        entries = list(entries)
        if entries:
            self.entries[page_id] = entries
        else:
            self.entries.pop(page_id, None)

    def remove(self, page_ids):
        self.calls.append(("remove", tuple(page_ids)))
        for page_id in page_ids:
            self.entries.pop(page_id, None)

    def rebuild(self, entries, total=None, progress=None):
        fresh, done = {}, 0
        for entry in entries:
            fresh.setdefault(entry.page_id, []).append(entry)
            done += 1
            if progress and done % 10 == 0:
                progress(done, total)
        if progress:
            progress(done, total)
        self.entries.clear()
        self.entries.update(fresh)
        self.calls.append(("rebuild", done))
        return done

    def search(self, query, audience):
        raise NotImplementedError

    @classmethod
    def by_key(cls):
        return {entry.key: entry for entries in cls.entries.values() for entry in entries}
