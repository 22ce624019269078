"""Data handed to a page's script, embedded so that no source text can end the script.

Quotes, labels and titles come from the sources and may hold anything, `</script>`
included; the pages read them back with `JSON.parse(textContent)` and show them only
as text, so escaping `</` is all the embedding needs.
"""

from __future__ import annotations

import html
import json


def json_script(data: object, element_id: str) -> str:
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{html.escape(element_id)}">{payload}</script>'
