"""Data handed to a page's script, embedded so that no source text can end the script.

Quotes, labels and titles come from the sources and may hold anything, `</script>` and
`<!--<script>` included: inside a script element the latter puts the HTML parser into
its "double escaped" state, where `</script>` no longer closes the element, so the JSON
would run on into the page's own code. So every `<`, `>` and `&` is written as a JSON
escape (`\\u003c`…), which no HTML parser state reacts to and `JSON.parse` reads back
unchanged; U+2028 and U+2029 too, since older JavaScript takes them for line ends. The
pages read the data with `JSON.parse(textContent)` and show it only as text.
"""

from __future__ import annotations

import html
import json

_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


def json_script(data: object, element_id: str) -> str:
    payload = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return f'<script type="application/json" id="{html.escape(element_id)}">{payload}</script>'
