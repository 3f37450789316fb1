"""A path key as the client sends it: the part of a spec's path key that reaches the wire.

Some big spec families put more than a path in their keys, to tell apart operations that share one
URL: AWS writes ``/#X-Amz-Target=Service.Action`` (the action goes in a header the operation
declares), Flickr ``/rest?method=flickr.photos.search``. A fragment is never sent, so it is dropped;
a query part is sent as a fixed query, before the operation's own query parameters.
"""

from __future__ import annotations

import re
from urllib.parse import quote

PATH_SAFE = "/:@!$&'()*+,;=-._~%{}"  # what stays as written in the path ({name} templates included)
QUERY_SAFE = "/:@!$&'()*+,;=-._~%{}?"
# a {name} placeholder stays exactly as the spec spells it ({my id}, {日本}, even {a?b}): the client
# replaces it with the argument's encoded value, so only the text around placeholders is encoded
_PLACEHOLDER = re.compile(r"(\{[^{}/]*\})")


def wire_path(key: str) -> str:
    """The path as sent for the path key ``key``: characters a URL path cannot hold percent-encoded."""
    path: list[str] = []
    query: list[str] = []
    target = path
    for index, part in enumerate(_PLACEHOLDER.split(key)):
        if index % 2:  # a placeholder
            target.append(part)
            continue
        fragment = part.find("#")
        literal = part if fragment < 0 else part[:fragment]
        if target is path and "?" in literal:
            before, _, after = literal.partition("?")
            path.append(quote(before, safe=PATH_SAFE))
            target = query
            literal = after
        target.append(quote(literal, safe=QUERY_SAFE if target is query else PATH_SAFE))
        if fragment >= 0:  # a fragment is never sent: nothing after it is part of the request
            break
    sent = "".join(path) or "/"
    return sent + ("?" + "".join(query) if "".join(query) else "")
