"""The wire-level change report: what changed between two OpenAPI documents, as a server sees it.

``model.py`` holds the entry type every other part of the change report (the Python-level diff,
the report formats, ``clientgen diff``) consumes; ``diff.py`` is the entry point
(``diff_documents``, ``is_breaking``, ``load_for_diff``). Below it: ``document.py`` (the
normalized, ``$ref``-following view of one document), ``schema.py`` (schema comparison as
direction-free events), ``rules.py`` (events named as oasdiff rules, with levels) and
``oasdiff_levels.py`` (oasdiff's ids and levels).
"""
