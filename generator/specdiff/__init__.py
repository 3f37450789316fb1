"""The wire-level change report: what changed between two OpenAPI documents, as a server sees it.

``model.py`` holds the entry type every other part of the change report (the Python-level diff,
the report formats, ``clientgen diff``) consumes.
"""
