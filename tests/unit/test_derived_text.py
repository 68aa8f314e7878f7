"""Derived text fits its column (``core.text``) and data errors are told from transient ones."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError

from core.error_messages import GENERIC, public_message
from core.text import fill, truncate
from core.transient import is_data_error, is_transient


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert truncate("Etude", 200) == "Etude"
    assert truncate("x" * 200, 200) == "x" * 200
    cut = truncate("é" * 300, 200)
    assert len(cut) == 200 and cut.endswith("…")


def test_fill_cuts_the_value_never_the_words_around_it() -> None:
    title = fill("S" * 195, 200, before="“", after="” could not be processed")
    assert len(title) == 200
    assert title.startswith("“SSS") and title.endswith("…” could not be processed")
    assert fill("Etude", 200, before="Ann shared “", after="” with you") == "Ann shared “Etude” with you"
    with pytest.raises(ValueError):
        fill("x", 5, before="too long", after="")


class _Orig(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("orig")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "data"),
    [
        ("22001", True),
        ("22012", True),
        ("23505", True),
        ("23503", True),
        ("57P01", False),
        ("08006", False),
        (None, False),
    ],
)
def test_sqlstate_classes_22_and_23_are_data_errors_and_never_transient(sqlstate: str | None, data: bool) -> None:
    exc = DBAPIError("INSERT …", {"title": "…"}, _Orig(sqlstate))
    assert is_data_error(exc) is data
    assert is_transient(exc) is not data


def test_connection_loss_stays_transient() -> None:
    assert is_transient(OperationalError("SELECT 1", None, ConnectionRefusedError()))
    assert is_transient(ConnectionResetError())
    assert not is_transient(ValueError("bug"))


def test_every_error_code_has_a_fixed_sentence_and_unknown_codes_a_generic_one() -> None:
    assert public_message(None) is None
    assert public_message("media_too_long") == "The recording is longer than this server accepts."
    assert public_message("no_such_code") == GENERIC
