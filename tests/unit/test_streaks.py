"""Streaks from learning days and an injected clock: midnight, time zones, resets, Markdown safety."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.markdown import render_markdown
from core.streaks import local_day, streak_days, valid_time_zone

D = dt.date(2026, 3, 10)


def _days(*offsets: int, at: dt.time = dt.time(12)) -> list[tuple[dt.date, dt.datetime]]:
    return [(D - dt.timedelta(days=o), dt.datetime.combine(D - dt.timedelta(days=o), at, dt.UTC)) for o in offsets]


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [((), 0), ((0,), 1), ((0, 1, 2), 3), ((1, 2), 2), ((2, 3), 0), ((0, 2, 3), 1), ((0, 1, 3, 4, 5), 2)],
)
def test_consecutive_days_up_to_today_or_yesterday(offsets: tuple[int, ...], expected: int) -> None:
    assert streak_days(_days(*offsets), today=D) == expected


def test_a_reset_drops_earlier_days_and_earlier_activity_the_same_day() -> None:
    reset_at = dt.datetime.combine(D, dt.time(15), dt.UTC)
    days = _days(0, 1, 2)  # today's activity at noon, before the reset
    assert streak_days(days, today=D, reset_at=reset_at, reset_day=D) == 0
    later = [(D, reset_at + dt.timedelta(hours=1))]
    assert streak_days(days[1:] + later, today=D, reset_at=reset_at, reset_day=D) == 1


def test_the_local_day_depends_on_the_time_zone_across_midnight() -> None:
    late_utc = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)
    assert local_day(late_utc, "UTC") == dt.date(2026, 3, 9)
    assert local_day(late_utc, "Asia/Tokyo") == dt.date(2026, 3, 10)
    assert local_day(late_utc, "America/New_York") == dt.date(2026, 3, 9)
    assert local_day(dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC), "America/New_York") == dt.date(2026, 3, 9)


@pytest.mark.parametrize(("name", "ok"), [("UTC", True), ("Europe/Paris", True), ("Mars/Base", False),
                                          ("localtime", False), ("../etc/passwd", False), ("", False)])  # fmt: skip
def test_time_zone_names(name: str, ok: bool) -> None:
    assert valid_time_zone(name) is ok


def _tags(html: str) -> list[tuple[str, str]]:
    """The real tags of ``html`` (escaped text like ``&lt;script&gt;`` is harmless and not a tag)."""
    return re.findall(r"<([a-zA-Z0-9]+)([^>]*)>", html)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '<a href="https://e" onclick="x()">x</a>',
        "![i](data:text/html;base64,PHNjcmlwdD4=)",
        "<iframe src=https://e></iframe>",
        "[x](JaVaScRiPt:alert(1))",
        '<img src="x" onerror="alert(1)">',
    ],
)
def test_markdown_html_is_safe(source: str) -> None:
    for tag, attrs in _tags(render_markdown(source) or ""):
        assert tag in {"p", "a", "img"}, tag
        assert not re.search(r"\bon[a-z]+=|javascript:|data:", attrs, re.IGNORECASE), attrs


def test_markdown_keeps_formatting_and_safe_links() -> None:
    html = render_markdown("## Scales\n\n* **slow**\n* [video](https://example.test/v)") or ""
    assert "<h2>Scales</h2>" in html and "<strong>slow</strong>" in html
    assert '<a href="https://example.test/v" rel="noopener noreferrer">video</a>' in html
    assert render_markdown(None) is None
