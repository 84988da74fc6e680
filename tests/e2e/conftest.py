"""A real server (uvicorn on a free port, SQLite built by the migrations, the demo seeded) and the system
Chromium driven by Playwright. No browser is ever downloaded: Debian's /usr/bin/chromium is used.

Each test module gets a server and a database of its own (a copy of the demo, migrated and seeded once), so what
one module's tests change (captures, team members, a letter) is not there for another's, whatever the order or
the worker (pytest-xdist) it runs in."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_of, skip_or_fail
from tests.servers import AppServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def server_on_a_copy(demo_database: Path, workdir: Path) -> AppServer:
    """A server on a copy of the demo (demo_database, tests/conftest.py: migrated and seeded once)."""
    return AppServer(workdir, database_url=copy_of(demo_database, workdir / "live.db"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_database) -> Iterator[str]:
    server = server_on_a_copy(demo_database, tmp_path_factory.mktemp("live"))
    yield server.url
    server.stop()


@pytest.fixture
def own_server(tmp_path, demo_database) -> Iterator[AppServer]:
    """A server of the test's own, for tests that stop it."""
    server = server_on_a_copy(demo_database, tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser):
    """A fresh browser context (no shared cookies) at a given viewport width; JS errors fail the test."""
    contexts = []

    def make(width: int = 768, height: int = 1024):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        # Chromium logs every failed request, but these are not errors of the page, which handles them: a 4xx (a
        # form's 422), and a request cut off when a test takes the tablet offline (a change-feed read in flight).
        handled = ("Failed to load resource: the server responded with a status of 4",
                   "Failed to load resource: net::ERR_INTERNET_DISCONNECTED")
        page.on("console", lambda msg: page.errors.append(f"{msg.text} ({msg.location.get('url')})")
                if msg.type == "error" and not msg.text.startswith(handled) else None)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if email == "admin@example.org":  # administrators give a code too (the demo's key is fixed and printed)
        import pyotp

        from app.demo import DEMO_ADMIN_TOTP_KEY

        page.wait_for_url(re.compile(r"/login/two-factor"))
        page.get_by_label("Code").fill(pyotp.TOTP(DEMO_ADMIN_TOTP_KEY).now())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}/inspections")


def open_demo_inspection(page, base_url: str, email: str, password: str) -> str:
    """Sign in and open the demo inspection; returns its URL."""
    from app.demo import DEMO_AREA

    sign_in(page, base_url, email, password)
    page.get_by_role("link", name=DEMO_AREA).click()
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    return page.url


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]]


# --- Offline: what the offline, sync and conflict modules do alike --------------------------------------------


def capture(page, text: str, heading: str = "1. Identifying needs",
            aspect: str = "How timely was the identification", judgement: str = "Strength",
            service: str = "Education") -> None:
    """Fill in and save the capture form on this page (by default a strength for proposal 1's first aspect, in
    education), each choice by its label."""
    form = page.locator("#capture-form")
    form.get_by_label("What did you see or hear?").fill(text)
    form.get_by_label(heading).check()
    form.get_by_label(aspect).check()
    form.get_by_label(judgement, exact=True).check()
    form.get_by_label(service, exact=True).check()
    form.get_by_role("button", name="Save evidence").click()


def a_second_passes(page) -> None:
    """GOV.UK buttons ignore a second click within a second of the first (the double-submit guard). The second
    passes on the page's own clock (page.clock.install() before the page loads) instead of being waited out."""
    page.clock.fast_forward(1000)


def saved_on_device(page, *paths: str, timeout: float = 20) -> None:
    """Wait until the service worker has stored a copy of each page (it stores it as the page arrives, without holding
    the page up: under load, later than the page is shown)."""
    import time

    urls = [page.evaluate("(path) => new URL(path, location.href).href", path) for path in paths]
    # As the worker looks its copies up offline: whatever headers the page varies by (the request here has none).
    check = ("(urls) => caches.open('sendfw-pages')"
             ".then((c) => Promise.all(urls.map((u) => c.match(u, { ignoreVary: true }).then(Boolean))))")
    deadline = time.monotonic() + timeout
    while not all(page.evaluate(check, urls)):
        assert time.monotonic() < deadline, f"not saved on the device within {timeout} s: {paths}"
        page.wait_for_timeout(100)


def go_offline_on_capture_page(page, base_url: str, email: str, password: str) -> str:
    """Sign in, open the demo inspection's capture page and lose the connection; returns the inspection's URL."""
    base = open_demo_inspection(page, base_url, email, password)
    page.goto(f"{base}/evidence/new")
    page.context.set_offline(True)
    return base


def board_text(page, base: str) -> str:
    """Proposal 1's timeliness aspect in full, as the board shows it (where capture() files its evidence)."""
    page.goto(f"{base}/board?heading=1&aspect=timeliness")
    return page.locator("#aspect-timeliness").inner_text()


def one_item_for_two(lead, cqc, base_url: str) -> tuple[str, str]:
    """The lead opens the demo inspection, and the CQC inspector signs in on a device of their own, both to edit
    the first item on proposal 2's board; returns the inspection's URL and that item's edit page."""
    base = open_demo_inspection(lead, base_url, "lead@example.org", "demo-lead-password")
    lead.goto(f"{base}/board?heading=2")
    edit_url = lead.locator(".app-evidence a", has_text="Edit").first.get_attribute("href")
    sign_in(cqc, base_url, "cqc@example.org", "demo-cqc-password")
    return base, base_url + edit_url


def edited_offline_then_synced(edit_page: str, edits: list[tuple[object, str]]) -> None:
    """Each (page, words): the page opens the item's edit page and goes offline, then saves its words on the device;
    then each in turn comes back online and syncs, in the order given."""
    for page, _ in edits:
        page.goto(edit_page)
        page.context.set_offline(True)
    for page, text in edits:
        page.locator("#capture-form textarea[name=text]").fill(text)
        page.get_by_role("button", name="Save changes").click()
        page.locator("#device-outbox [data-pending] li", has_text="edit saved on this device").wait_for()
    for page, _ in edits:
        page.context.set_offline(False)
        page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
