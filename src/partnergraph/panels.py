"""The close button every side panel carries (graph view, gap map), in one place.

A panel that opens over the page must also go away again without a reload; both pages
draw the same button, styled the same, and both close their panel on Escape too.
"""

from __future__ import annotations

CLOSE_BUTTON = (
    '<button id="panel-close" type="button" aria-label="Close the panel" title="Close (Esc)">×</button>'
)
CLOSE_STYLE = """
#panel-close { position: sticky; top: 0; float: right; font-size: 1.2rem; line-height: 1; cursor: pointer;
  background: #fff; border: 1px solid #bbb; border-radius: 3px; padding: 0 0.4rem; }
"""
