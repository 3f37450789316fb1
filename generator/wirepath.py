"""A path key as the client sends it: the part of a spec's path key that reaches the wire.

Some big spec families put more than a path in their keys, to tell apart operations that share one
URL: AWS writes ``/#X-Amz-Target=Service.Action`` (the action goes in a header the operation
declares), Flickr ``/rest?method=flickr.photos.search``. A fragment is never sent, so it is dropped;
a query part is sent as a fixed query, before the operation's own query parameters.
"""

from __future__ import annotations

from urllib.parse import quote

PATH_SAFE = "/:@!$&'()*+,;=-._~%{}"  # what stays as written in the path ({name} templates included)
QUERY_SAFE = "/:@!$&'()*+,;=-._~%{}?"


def wire_path(key: str) -> str:
    """The path as sent for the path key ``key``: characters a URL path cannot hold percent-encoded."""
    before_fragment = key.partition("#")[0]
    path, mark, query = before_fragment.partition("?")
    sent = quote(path, safe=PATH_SAFE) or "/"
    if mark and query:
        sent += "?" + quote(query, safe=QUERY_SAFE)
    return sent
