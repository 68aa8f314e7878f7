"""Course text (chapters, text blocks) is Markdown; its HTML is rendered once, on write, and made safe.

Two layers, because either alone has let script through somewhere: markdown-it renders with raw
HTML turned off (``<script>`` stays text) and refuses ``javascript:`` links itself; nh3 (the
Ammonia sanitiser) then keeps only an allow-list of tags and attributes, whatever the renderer
produced, and adds ``rel="noopener noreferrer"`` to links.
"""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

_TAGS = frozenset(
    {
        "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li",
        "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = frozenset({"http", "https", "mailto"})


@functools.cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def render_markdown(source: str | None) -> str | None:
    """Safe HTML for ``source`` (``None`` stays ``None``)."""
    if source is None:
        return None
    html = _renderer().render(source)
    return nh3.clean(
        html, tags=set(_TAGS), attributes=_ATTRIBUTES, url_schemes=set(_SCHEMES), link_rel="noopener noreferrer"
    )
