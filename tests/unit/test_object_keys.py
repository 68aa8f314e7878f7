"""Object keys (``storage.objects.keys``): deterministic layout, and nothing that could escape a store.

Pure functions, no store needed; that both stores refuse these keys is checked in
tests/integration/test_object_store.py.
"""

from __future__ import annotations

import pytest

from storage.objects import recording_key, recording_prefix, user_key, validate_key, validate_prefix
from storage.objects.keys import MAX_KEY_BYTES, album_cover_upload_key, album_key, album_prefix


def test_key_helpers_build_deterministic_keys() -> None:
    assert recording_prefix("u1", "r1") == "recordings/u1/r1/"
    assert recording_key("u1", "r1", "hd.mp4") == "recordings/u1/r1/hd.mp4"
    assert user_key(7, "profile_thumb.jpg") == "users/7/profile_thumb.jpg"
    with pytest.raises(ValueError):
        recording_key("u1", "r1", "hd.mov")
    with pytest.raises(ValueError):
        recording_prefix("..", "r1")
    with pytest.raises(ValueError):
        user_key("a/b", "profile.jpg")


# The same list the stores are checked against in tests/integration/test_object_store.py.
BAD_KEYS = ["../x", "/abs", "a//b", "a/../../etc/passwd", "a\\b", "a\x00b", "", "a/", "./a", "a\x7fb"]


@pytest.mark.parametrize("bad_key", BAD_KEYS, ids=repr)
def test_validate_key_refuses_unsafe_keys(bad_key: str) -> None:
    with pytest.raises(ValueError):
        validate_key(bad_key)


def test_validate_key_and_prefix_accept_safe_ones() -> None:
    assert validate_key("recordings/u1/r1/original") == "recordings/u1/r1/original"
    assert validate_key("k" * MAX_KEY_BYTES) == "k" * MAX_KEY_BYTES
    with pytest.raises(ValueError):
        validate_key("é" * (MAX_KEY_BYTES // 2 + 1))  # the limit counts UTF-8 bytes, as S3 does
    assert validate_prefix("recordings/u1/1/") == "recordings/u1/1/"
    for bad in ("recordings/u1/1", "", "/", "a//"):
        with pytest.raises(ValueError):
            validate_prefix(bad)


def test_album_cover_keys_stay_under_the_album() -> None:
    assert album_key("a1", "cover_thumb.jpg") == "albums/a1/cover_thumb.jpg"
    assert album_cover_upload_key("a1", "u9").startswith(album_prefix("a1"))
    with pytest.raises(ValueError):
        album_key("a1", "cover.png")
    with pytest.raises(ValueError):
        album_cover_upload_key("a1", "../x")
