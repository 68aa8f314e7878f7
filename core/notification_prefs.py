"""Notification kinds, delivery channels, and which channels a user's preferences choose.

Pure data and functions, shared by the API (``/users/me/notification-settings``) and the fan-out
(``jobs.fanout``). Preferences are stored sparse: only what a user changed; everything else is
the default below, so a new kind added later starts with its default for everyone.
"""

from __future__ import annotations

from collections.abc import Mapping

IN_APP = "in_app"
EMAIL = "email"
WEBHOOK = "webhook"
CHANNELS: tuple[str, ...] = (IN_APP, EMAIL, WEBHOOK)

#: The key of the preferences that apply to every kind not listed on its own.
DEFAULT_KIND = "default"

#: Every kind Cadenza raises, and its default channels. Mail by default only for what a person
#: did for you (feedback, a share, a request); pipeline outcomes stay in the app. A webhook is
#: itself an opt-in (it names its events), so the channel is on by default everywhere.
_DEFAULTS: dict[str, dict[str, bool]] = {
    "recording.ready": {IN_APP: True, EMAIL: False, WEBHOOK: True},
    "recording.failed": {IN_APP: True, EMAIL: False, WEBHOOK: True},
    "recording.shared": {IN_APP: True, EMAIL: True, WEBHOOK: True},
    "relationship.requested": {IN_APP: True, EMAIL: True, WEBHOOK: True},
    "relationship.accepted": {IN_APP: True, EMAIL: False, WEBHOOK: True},
    "comment.created": {IN_APP: True, EMAIL: True, WEBHOOK: True},
    "comment.replied": {IN_APP: True, EMAIL: True, WEBHOOK: True},
    "assessment.created": {IN_APP: True, EMAIL: True, WEBHOOK: True},
    "submission.graded": {IN_APP: True, EMAIL: True, WEBHOOK: True},
    "artist.new_song": {IN_APP: True, EMAIL: False, WEBHOOK: True},
    "artist.new_album": {IN_APP: True, EMAIL: False, WEBHOOK: True},
    DEFAULT_KIND: {IN_APP: True, EMAIL: False, WEBHOOK: True},
}
KINDS: tuple[str, ...] = tuple(k for k in _DEFAULTS if k != DEFAULT_KIND)
SETTING_KEYS: frozenset[str] = frozenset(_DEFAULTS)

Preferences = Mapping[str, Mapping[str, bool]]


class UnknownSetting(ValueError):
    """A kind or channel nobody declared; ``error_code`` says which."""

    def __init__(self, message: str, error_code: str) -> None:
        super().__init__(message)
        self.error_code = error_code


def effective(stored: Preferences) -> dict[str, dict[str, bool]]:
    """Every settable key with every channel: the defaults overlaid with what the user stored.

    A kind the user never set follows the user's own ``default`` entry where it has one.
    """
    own_default = {**_DEFAULTS[DEFAULT_KIND], **stored.get(DEFAULT_KIND, {})}
    out: dict[str, dict[str, bool]] = {DEFAULT_KIND: own_default}
    for kind in KINDS:
        out[kind] = {**_DEFAULTS[kind], **stored.get(kind, {})}
    return out


def wants(stored: Preferences, kind: str, channel: str) -> bool:
    """Whether a notification of ``kind`` goes out on ``channel`` for a user with ``stored`` preferences."""
    if kind in stored and channel in stored[kind]:
        return bool(stored[kind][channel])
    if kind in _DEFAULTS:
        return _DEFAULTS[kind][channel]
    return effective(stored)[DEFAULT_KIND][channel]


def merge(stored: Preferences, changes: Preferences) -> dict[str, dict[str, bool]]:
    """``stored`` with ``changes`` applied; raises ``UnknownSetting`` for an unknown kind or channel."""
    check_kinds(changes, allow_default=True)
    merged = {kind: dict(channels) for kind, channels in stored.items()}
    for kind, channels in changes.items():
        for channel, on in channels.items():
            if channel not in CHANNELS:
                raise UnknownSetting(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})", "unknown_channel")
            merged.setdefault(kind, {})[channel] = bool(on)
    return merged


def check_kinds(kinds: Mapping[str, object] | list[str], *, allow_default: bool = False) -> None:
    """Raise ``UnknownSetting`` (``unknown_notification_kind``) for a kind nobody raises."""
    known = SETTING_KEYS if allow_default else frozenset(KINDS)
    for kind in kinds:
        if kind not in known:
            raise UnknownSetting(f"unknown notification kind {kind!r}", "unknown_notification_kind")
