"""Reading single values from the environment; errors are ValueErrors naming the variable, which
``core.settings`` turns into its ``SettingsError``."""

from __future__ import annotations

from collections.abc import Mapping


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero, not {value}")
    return value


def optional_positive_int(env: Mapping[str, str], name: str, default: int) -> int | None:
    """Like ``positive_int``, and ``off`` turns the limit off (``None``)."""
    if (env.get(name) or "").strip().lower() == "off":
        return None
    return positive_int(env, name, default)
