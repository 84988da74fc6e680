"""Offline in Chromium: captures made with no connection survive a reload, then sync and reach the team."""

import re

from app.demo import DEMO_AREA
from tests.e2e.conftest import sign_in

TEXTS = [f"Offline fictional capture {n}: heard in a corridor with no signal." for n in range(1, 4)]


def capture(page, text: str) -> None:
    form = page.locator("#capture-form")
    form.get_by_label("What did you see or hear?").fill(text)
    form.get_by_label("1. Identifying needs").check()
    form.get_by_label("How timely was the identification").check()
    form.get_by_label("Strength", exact=True).check()
    form.get_by_label("Education", exact=True).check()
    form.get_by_role("button", name="Save evidence").click()


def test_three_captures_offline_survive_a_reload_then_sync_to_a_second_inspector(live_server, browser, page_at):
    page = page_at(768)
    sign_in(page, live_server, "lead@example.org", "demo-lead-password")
    page.get_by_role("link", name=DEMO_AREA).click()
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    base = re.sub(r"(/inspections/\d+).*", r"\1", page.url)
    page.goto(f"{base}/evidence/new")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker, which keeps a copy of the page
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)

    pending = page.locator("#device-outbox [data-pending] li")
    for n, text in enumerate(TEXTS):
        capture(page, text)
        pending.nth(n).wait_for()
        page.wait_for_timeout(1100)  # GOV.UK buttons ignore a second click within a second (double-submit guard)
    shown = sorted(" ".join(text.split()) for text in pending.all_inner_texts())
    assert shown == sorted(f"{t} Proposal 1, strength · saved on this device" for t in TEXTS)
    assert "3 captures waiting to sync" in page.locator("#sync-status").inner_text()
    assert "Offline" in page.locator("#sync-status").inner_text()

    page.reload()  # still offline: the page comes from the device, the captures from IndexedDB
    page.locator("#device-outbox [data-pending] li").nth(2).wait_for()
    assert page.locator("#device-outbox [data-pending] li").count() == 3

    page.context.set_offline(False)
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    page.locator("#sync-status", has_text="last synced").wait_for()
    status = page.locator("#sync-status").inner_text()
    assert "0 captures waiting to sync" in status and "last synced" in status

    other = page_at(768)
    sign_in(other, live_server, "cqc@example.org", "demo-cqc-password")
    other.goto(f"{base}/board?proposal=1&aspect=timeliness")
    board = other.locator("#aspect-timeliness").inner_text()
    for text in TEXTS:
        assert board.count(text) == 1  # each arrived exactly once
    assert page.errors == [] and other.errors == []


def test_sign_out_is_refused_with_unsynced_work_and_the_next_user_sees_none_of_it(live_server, page_at):
    page = page_at(768)
    sign_in(page, live_server, "peer@example.org", "demo-peer-password")
    page.get_by_role("link", name=DEMO_AREA).click()
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    base = page.url
    page.goto(f"{base}/evidence/new")
    page.context.set_offline(True)
    capture(page, "Fictional capture that must not leak to the next user.")
    page.locator("#device-outbox [data-pending] li").first.wait_for()

    page.get_by_role("button", name=re.compile("^Sign out")).click()
    warning = page.locator("#signout-warning")
    warning.wait_for()
    assert "1 capture has not reached the server yet." in warning.inner_text()
    assert page.url == f"{base}/evidence/new"  # still signed in, nothing lost
    assert page.locator("#device-outbox [data-pending] li").count() == 1

    page.context.set_offline(False)
    page.route("**/api/v1/sync", lambda route: route.abort())  # the capture cannot get through...
    page.get_by_role("button", name="Discard them and sign out").click()  # ...so the inspector chooses to discard
    page.wait_for_url(re.compile(r"/login"))
    page.unroute("**/api/v1/sync")
    page.errors.clear()  # the aborted sync requests above were logged as failed loads, as intended
    cached = page.evaluate("caches.open('sendfw-pages').then(c => c.keys()).then(k => k.map(r => r.url))")
    assert not [url for url in cached if "/inspections" in url]  # the peer's saved pages are gone

    sign_in(page, live_server, "cqc@example.org", "demo-cqc-password")
    page.goto(f"{base}/evidence/new")
    page.locator("#sync-status", has_text="waiting to sync").wait_for()
    assert page.locator("#device-outbox [data-pending] li").count() == 0
    assert "0 captures waiting" in page.locator("#sync-status").inner_text()
    assert page.errors == []
