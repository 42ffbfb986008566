"""Elasticsearch 8 for the site search, through elasticsearch-dsl: the index's mapping and
French analyzer (``documents``), the query (``queries``) and the answer (``responses``).

``search.backends.elasticsearch`` puts them together behind the ``SearchBackend`` interface.
Nothing here opens a connection: the backend makes its client on first use.
"""
