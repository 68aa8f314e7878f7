"""Pure rules of notifications and webhooks: preferences, the moment link, signatures, targets."""

from __future__ import annotations

import pytest

from core.mail_message import Recipient
from core.notification_mail import moment_link, notification_message
from core.notification_prefs import DEFAULT_KIND, KINDS, UnknownSetting, effective, merge, wants
from core.webhook_signing import signature, verify
from core.webhook_targets import TargetRefused, is_public, parse_target


def test_defaults_mail_feedback_but_not_pipeline_outcomes() -> None:
    assert wants({}, "comment.created", "email") and wants({}, "assessment.created", "email")
    assert not wants({}, "recording.ready", "email")
    assert all(wants({}, kind, "in_app") and wants({}, kind, "webhook") for kind in KINDS)


def test_a_stored_choice_wins_and_the_users_default_covers_unlisted_kinds() -> None:
    stored = {"comment.created": {"email": False}, DEFAULT_KIND: {"email": True}}
    assert not wants(stored, "comment.created", "email")
    assert wants(stored, "comment.created", "in_app")  # not changed: the kind's default
    assert wants(stored, "some.future.kind", "email")  # the user's own default
    assert effective(stored)["comment.created"] == {"in_app": True, "email": False, "webhook": True}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"comment.deleted": {"email": False}}, "unknown_notification_kind"),
        ({"comment.created": {"sms": True}}, "unknown_channel"),
    ],
)
def test_unknown_kinds_and_channels_are_refused(changes: dict, code: str) -> None:
    with pytest.raises(UnknownSetting) as caught:
        merge({}, changes)
    assert caught.value.error_code == code


def test_merge_keeps_what_it_does_not_change() -> None:
    merged = merge({"recording.ready": {"email": True}}, {"recording.ready": {"in_app": False}})
    assert merged == {"recording.ready": {"email": True, "in_app": False}}


@pytest.mark.parametrize(
    ("data", "link"),
    [
        ({"recording_id": "r1", "at_seconds": 83.5}, "https://c.test/recordings/r1?t=83.5"),
        ({"recording_id": "r1", "at_seconds": 12}, "https://c.test/recordings/r1?t=12"),
        ({"recording_id": "r1", "at_seconds": 0.25}, "https://c.test/recordings/r1?t=0.25"),
        ({"recording_id": "r1"}, "https://c.test/recordings/r1"),
        ({"recording_id": "r1", "at_seconds": "83"}, "https://c.test/recordings/r1"),
        ({"recording_id": "r1", "at_seconds": -1}, "https://c.test/recordings/r1"),
        ({}, "https://c.test/"),
    ],
)
def test_the_mail_links_to_the_moment(data: dict, link: str) -> None:
    assert moment_link("https://c.test/", data) == link


def test_a_notification_mail_has_text_and_html_and_a_message_id_of_its_own() -> None:
    def build():  # noqa: ANN202
        return notification_message(
            sender="Cadenza <no-reply@c.test>",
            to=Recipient("ann@example.test", "Ann <b>"),
            notification_id="n-1",
            title="Bo commented at 1:23",
            body="Watch the <bow>",
            link="https://c.test/recordings/r1?t=83.5",
        )

    first, again = build(), build()
    assert first["Message-ID"] == again["Message-ID"] == "<notification.n-1@c.test>"
    text = first.get_body(("plain",)).get_content()
    html = first.get_body(("html",)).get_content()
    assert "https://c.test/recordings/r1?t=83.5" in text and "Watch the <bow>" in text
    assert "Watch the &lt;bow&gt;" in html and "Ann &lt;b&gt;" in html


def test_a_signature_verifies_only_for_its_secret_body_and_time() -> None:
    header = signature("whsec_x", 1_700_000_000, b'{"a":1}')
    assert header.startswith("t=1700000000,v1=") and len(header.rpartition("v1=")[2]) == 64
    assert verify("whsec_x", header, b'{"a":1}', now=1_700_000_010)
    assert not verify("whsec_y", header, b'{"a":1}', now=1_700_000_010)
    assert not verify("whsec_x", header, b'{"a":2}', now=1_700_000_010)
    assert not verify("whsec_x", header, b'{"a":1}', now=1_700_001_000)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_only_public_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)", "http://", "https://u:p@example.org/",
     "http://exa mple.org/", "http://example.org:99999/"],
)
def test_only_http_urls_with_a_host_are_targets(url: str) -> None:
    with pytest.raises(TargetRefused) as caught:
        parse_target(url)
    assert caught.value.error_code == "invalid_webhook_url"


def test_a_target_has_its_default_port() -> None:
    assert parse_target("https://example.org/hook").port == 443
    assert parse_target("http://example.org:8080/hook").port == 8080
