"""Signed media URLs for the local store (``storage.objects.signing``): pure functions, no server."""

from __future__ import annotations

from storage.objects import sign_media_path, verify_media_signature

KEY = "recordings/u1/r1/original"


def test_media_signature_accepts_valid_and_rejects_expired_or_tampered() -> None:
    secret = "s" * 32
    now = 1_700_000_000
    query = sign_media_path(KEY, secret=secret, expires_at=now + 60)
    params = dict(pair.split("=", 1) for pair in query.split("&"))
    assert set(params) == {"expires", "sig"} and "=" not in params["sig"]
    expires, sig = params["expires"], params["sig"]

    assert verify_media_signature(KEY, expires, sig, secret=secret, now=now)
    assert verify_media_signature(KEY, int(expires), sig, secret=secret, now=now + 59)
    assert not verify_media_signature(KEY, expires, sig, secret=secret, now=now + 60)  # expired
    assert not verify_media_signature(KEY, str(now + 3600), sig, secret=secret, now=now)  # longer life
    assert not verify_media_signature("recordings/u2/r9/original", expires, sig, secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, sig[:-1] + ("A" if sig[-1] != "A" else "B"), secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, sig, secret="t" * 32, now=now)
    assert not verify_media_signature(KEY, "soon", sig, secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, "", secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, "é" * 43, secret=secret, now=now)
