"""What a search box's text means: websearch syntax, and the last word as a prefix (type-ahead).

``websearch_to_tsquery`` understands quotes, ``or`` and ``-word`` but has no prefix matching, so
the word being typed is split off and matched as a prefix (``to_tsquery('beeth:*')``) beside the
rest. It is a prefix only while it is being typed: text ending in a space, a closing quote or
punctuation has no prefix; nor does a negated word (``-beeth``) or a word inside an open quote.
Only letters and digits go into the prefix; ``cadenza_prefix_query`` (migration 0008) then
quotes its lexemes, since unaccent may still turn a letter into punctuation ("⒁" → "(14)").
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

#: The trailing run of letters and digits (``_`` is a separator for PostgreSQL's parser).
_LAST_WORD = re.compile(r"[^\W_]+$")


class PrefixMode(enum.StrEnum):
    NONE = "none"  # websearch only
    AND = "and"  # head && prefix:*
    OR = "or"  # head || prefix:* (the word before the prefix is "or")
    ONLY = "only"  # prefix:* (nothing before it makes a word: websearch would be empty, with a NOTICE)


@dataclass(frozen=True, slots=True)
class SearchText:
    #: given to ``websearch_to_tsquery``
    head: str
    #: letters and digits matched as a prefix (``""`` with ``PrefixMode.NONE``)
    prefix: str
    mode: PrefixMode


def split_search_text(text: str) -> SearchText:
    """Split the box's text into its websearch part and the prefix being typed."""
    text = unicodedata.normalize("NFC", text)
    match = _LAST_WORD.search(text)
    if match is None:
        return SearchText(text, "", PrefixMode.NONE)
    start = match.start()
    before = text[:start]
    negated = before.endswith("-") and (start == 1 or before[-2].isspace())
    in_quote = before.count('"') % 2 == 1
    if negated or in_quote:
        return SearchText(text, "", PrefixMode.NONE)
    words = before.split()
    head, mode = before, PrefixMode.AND
    if before[-1:].isspace() and words and words[-1].lower() == "or":
        head, mode = before.rstrip()[: -len(words[-1])], PrefixMode.OR
    if not any(character.isalnum() for character in head):
        return SearchText("", match.group(), PrefixMode.ONLY)
    return SearchText(head, match.group(), mode)
