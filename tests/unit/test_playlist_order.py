"""Item positions: where a new or moved item may go, and how the others shift (simulated on a list)."""

from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from storage.repositories.playlists import Shift, check_position, move_shift


def apply_move(items: list[str], old: int, new: int) -> list[str]:
    """Positions after the repository's two UPDATEs: the run shifts, then the item lands."""
    positions = {name: i for i, name in enumerate(items)}
    shift = move_shift(old, new)
    if shift is not None:
        for name, pos in positions.items():
            if shift.lo <= pos <= shift.hi:
                positions[name] = pos + shift.delta
    positions[items[old]] = new
    assert sorted(positions.values()) == list(range(len(items)))  # no duplicate, no gap
    return sorted(positions, key=positions.__getitem__)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (0, 3, "bcda"),
        (3, 0, "dabc"),
        (1, 2, "acbd"),
        (2, 1, "acbd"),
        (2, 2, "abcd"),
    ],
)
def test_a_move_is_a_rotation_of_the_run_between(old: int, new: int, expected: str) -> None:
    assert "".join(apply_move(list("abcd"), old, new)) == expected


def test_shifts() -> None:
    assert move_shift(5, 2) == Shift(2, 4, +1)
    assert move_shift(2, 5) == Shift(3, 5, -1)
    assert move_shift(3, 3) is None


@pytest.mark.parametrize(
    ("position", "count", "inserting", "expected"),
    [(None, 3, True, 3), (0, 0, True, 0), (3, 3, True, 3), (None, 3, False, 2), (2, 3, False, 2), (0, 1, False, 0)],
)
def test_positions_in_range(position: int | None, count: int, inserting: bool, expected: int) -> None:
    assert check_position(position, count, inserting=inserting) == expected


@pytest.mark.parametrize(("position", "count", "inserting"), [(4, 3, True), (3, 3, False), (0, 0, False), (-1, 3, True)])
def test_positions_out_of_range_are_a_422(position: int, count: int, inserting: bool) -> None:
    with pytest.raises(ValidationFailed) as err:
        check_position(position, count, inserting=inserting)
    assert err.value.error_code == "position_out_of_range"
