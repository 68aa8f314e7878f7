"""The search box's text: the websearch part and the word being typed, matched as a prefix."""

from __future__ import annotations

import pytest

from storage.repositories.search_text import PrefixMode, SearchText, split_search_text

CASES = [
    ("beeth", SearchText("", "beeth", PrefixMode.ONLY)),  # no websearch part: only the prefix
    ("  (beeth", SearchText("", "beeth", PrefixMode.ONLY)),
    ("or beeth", SearchText("", "beeth", PrefixMode.ONLY)),
    ("moonlight sona", SearchText("moonlight ", "sona", PrefixMode.AND)),
    ("moonlight sonata ", SearchText("moonlight sonata ", "", PrefixMode.NONE)),
    ("bach or beeth", SearchText("bach ", "beeth", PrefixMode.OR)),
    ("bach OR beeth", SearchText("bach ", "beeth", PrefixMode.OR)),
    ("bach -beeth", SearchText("bach -beeth", "", PrefixMode.NONE)),
    ("bach e-flat", SearchText("bach e-", "flat", PrefixMode.AND)),  # a hyphen inside a word is no "not"
    ('"new world', SearchText('"new world', "", PrefixMode.NONE)),  # inside an open quote
    ('"new world"', SearchText('"new world"', "", PrefixMode.NONE)),
    ('"new world" symph', SearchText('"new world" ', "symph", PrefixMode.AND)),
    ("o'bri", SearchText("o'", "bri", PrefixMode.AND)),
    ("snake_ca", SearchText("snake_", "ca", PrefixMode.AND)),  # "_" separates words for PostgreSQL
    ("c#", SearchText("c#", "", PrefixMode.NONE)),
    ("dvoř", SearchText("", "dvoř", PrefixMode.ONLY)),
    ("dvor\u030c", SearchText("", "dvoř", PrefixMode.ONLY)),  # decomposed accents are composed first
    ("op. 27", SearchText("op. ", "27", PrefixMode.AND)),
    ("!!!", SearchText("!!!", "", PrefixMode.NONE)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_split_search_text(text: str, expected: SearchText) -> None:
    assert split_search_text(text) == expected


def test_a_prefix_holds_only_letters_and_digits() -> None:
    for text in ("a:*", "x&y", "x|y", "(x)", "x'y", "x\\y", "x<->y", "a!b"):
        prefix = split_search_text(text).prefix
        assert prefix.isalnum() or prefix == "", (text, prefix)
