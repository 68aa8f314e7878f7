"""The /ops dashboard in a real (headless) Chromium: sign in, watch the queues, retry a failed job.

Driven by Playwright for Python against Debian's ``/usr/bin/chromium`` (``scripts/bootstrap.sh``
installs it with ``BOOTSTRAP_DEV=1``); Playwright's own browser downloads are never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.api import Account, Api
from tests.e2e.ops_support import make_admin, relay_paused
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: run BOOTSTRAP_DEV=1 scripts/bootstrap.sh (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


def _sign_in(page: Page, stack: Stack, account: Account) -> None:
    page.goto(f"{stack.base_url}/ops")
    page.get_by_label("E-mail or username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()


def test_the_page_and_its_assets_are_served_without_third_party_code(api: Api) -> None:
    page = api.http.get("/ops")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/ops/ops.js"' in page.text and "http" not in page.text.replace("http-equiv", "")
    for asset, kind in (("/ops/ops.js", "text/javascript"), ("/ops/ops.css", "text/css")):
        r = api.http.get(asset)
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind), asset


def test_a_non_admin_is_told_the_dashboard_needs_an_administrator(api: Api, stack: Stack, page: Page) -> None:
    student = api.register()
    _sign_in(page, stack, student)
    expect(page.locator("#alert")).to_contain_text("not an administrator")
    expect(page.locator("#dashboard")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_an_admin_sees_the_queues_and_retries_a_failed_job_until_it_succeeds(
    api: Api, stack: Stack, base_env: dict[str, str], page: Page, clip_small: Path
) -> None:
    admin = make_admin(base_env["DATABASE_URL"], api.register())
    owner = api.register()

    # Given a job that failed because its original went missing from the store
    objects = Path(base_env["STORAGE_URL"].removeprefix("file://"))
    with relay_paused(stack):
        created = api.accepted(owner, clip_small, title="Retried from the dashboard")
        original = objects / "recordings" / owner.id / created["id"] / "original"
        aside = original.with_name("original.aside")
        original.rename(aside)
    job_id = created["job_id"]
    job = api.wait_job(owner, job_id, timeout=60)
    assert (job["state"], job["error_code"]) == ("failed", "object_not_found"), job
    aside.rename(original)  # and then the object is back

    # When an admin opens the dashboard
    _sign_in(page, stack, admin)

    # Then the queues, the live workers and the failed job are shown
    expect(page.locator("#account-name")).to_have_text(admin.username)
    expect(page.locator("#queues tbody tr")).to_have_count(4)
    expect(page.locator('#queues tr[data-queue="transcode"] th')).to_have_text("transcode")
    expect(page.locator("#workers tbody tr[data-worker]").first).to_be_visible()
    failed = page.locator(f'#failures tr[data-job-id="{job_id}"]')
    expect(failed).to_contain_text("Retried from the dashboard")
    expect(failed).to_contain_text("object_not_found")
    expect(failed).to_contain_text(owner.username)

    # When the admin clicks its Retry button
    failed.get_by_role("button", name="Retry").click()

    # Then the job leaves the failures and is followed live until it has succeeded
    expect(page.get_by_role("status")).to_contain_text("queued again")
    expect(failed).to_have_count(0)
    state = page.locator(f'#retried tr[data-job-id="{job_id}"] [data-field="state"]')
    expect(state).to_have_text("succeeded", timeout=90_000)
    assert api.recording(owner, created["id"])["status"] == "ready"
