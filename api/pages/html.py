"""The pages' HTML: one template, every value escaped, and headers that keep the token private.

A token travels in the link's query string and then in a hidden form field, never in a redirect;
``Referrer-Policy: no-referrer`` keeps it out of other sites' logs, ``Cache-Control: no-store``
out of caches, and the content security policy allows no script and posting only to this origin.
"""

from __future__ import annotations

import html

from litestar import Response
from litestar.enums import MediaType

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} · Cadenza</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
input,button{{font:inherit;padding:.4rem;margin:.2rem 0;width:100%;box-sizing:border-box}}
.error{{color:#a00}}</style></head>
<body><h1>{title}</h1>
{content}
</body></html>
"""


def e(value: str) -> str:
    return html.escape(value, quote=True)


def page(title: str, content: str, *, status: int = 200, headers: dict[str, str] | None = None) -> Response[str]:
    """``content`` is HTML already built from escaped values."""
    return Response(
        _PAGE.format(title=e(title), content=content),
        status_code=status,
        media_type=MediaType.HTML,
        headers={**(headers or {}), **HEADERS},
    )


def message(
    title: str, text: str, *, status: int = 200, error: bool = False, headers: dict[str, str] | None = None
) -> Response[str]:
    css = ' class="error"' if error else ""
    return page(title, f"<p{css}>{e(text)}</p>", status=status, headers=headers)


def hidden_token(token: str) -> str:
    return f'<input type="hidden" name="token" value="{e(token)}">'
