"""Offline in Chromium: captures made with no connection survive a reload, then sync and reach the team."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import (
    a_second_passes,
    axe_violations,
    board_text,
    capture,
    edited_offline_then_synced,
    go_offline_on_capture_page,
    one_item_for_two,
    open_demo_inspection,
    saved_on_device,
    sign_in,
)

TEXTS = [f"Offline fictional capture {n}: heard in a corridor with no signal." for n in range(1, 4)]


def test_three_captures_offline_survive_a_reload_then_sync_to_a_second_inspector(live_server, browser, page_at):
    page = page_at(768)
    page.clock.install()
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    page.goto(f"{base}/evidence/new")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker, which keeps a copy of the page
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    saved_on_device(page, f"{base}/evidence/new")  # the copy the offline reload below is served from
    page.context.set_offline(True)

    pending = page.locator("#device-outbox [data-pending] li")
    for n, text in enumerate(TEXTS):
        capture(page, text)
        pending.nth(n).wait_for()
        a_second_passes(page)
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
    other.goto(f"{base}/board?heading=1&aspect=timeliness")
    board = other.locator("#aspect-timeliness").inner_text()
    for text in TEXTS:
        assert board.count(text) == 1  # each arrived exactly once
    assert page.errors == [] and other.errors == []


def test_sign_out_is_refused_with_unsynced_work_and_the_next_user_sees_none_of_it(live_server, page_at):
    page = page_at(768)
    base = go_offline_on_capture_page(page, live_server, "peer@example.org", "demo-peer-password")
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
    assert "sendfw-outbox-peer@example.org" not in page.evaluate(
        "indexedDB.databases().then((found) => found.map((db) => db.name))")  # and the outbox itself

    sign_in(page, live_server, "cqc@example.org", "demo-cqc-password")
    page.goto(f"{base}/evidence/new")
    page.locator("#sync-status", has_text="waiting to sync").wait_for()
    assert page.locator("#device-outbox [data-pending] li").count() == 0
    assert "0 captures waiting" in page.locator("#sync-status").inner_text()
    assert page.errors == []


def test_server_errors_then_recovery_lose_nothing_and_duplicate_nothing(live_server, page_at):
    page = page_at(768)
    page.clock.install()
    base = go_offline_on_capture_page(page, live_server, "lead@example.org", "demo-lead-password")
    texts = [f"Fictional capture {n} sent through a failing server." for n in (1, 2)]
    for n, text in enumerate(texts):
        capture(page, text)
        page.locator("#device-outbox [data-pending] li").nth(n).wait_for()
        a_second_passes(page)
    failures = []

    def fail_then_lose_receipt(route):
        # Two plain 500s; then the server applies what it is sent (after two refusals, the tablet tries half the
        # batch) but its answer never arrives (as if it stopped mid-response); after that, the real server answers.
        if not route.request.post_data_json["ops"]:  # the tablet checking that the server answers at all
            route.continue_()
            return
        if len(failures) < 2:
            failures.append("500")
            route.fulfill(status=500, body="Internal Server Error")
        elif len(failures) == 2:
            failures.append("lost")
            route.fetch()
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/sync", fail_then_lose_receipt)
    page.context.set_offline(False)
    page.locator("#device-outbox").wait_for(state="hidden", timeout=60_000)
    assert failures == ["500", "500", "lost"]
    page.unroute("**/api/v1/sync")
    page.errors.clear()  # the failed sync requests were logged by the browser, as intended
    text = board_text(page, base)
    for capture_text in texts:
        assert text.count(capture_text) == 1
    assert page.errors == []


# In page.evaluate: a capture kept by the outbox's own functions with the form's words beside it, but without the
# device's check: as one kept before the device knew a rule the server now applies.
KEEP_UNCHECKED = """async ([inspectionId, data]) => {
  const outbox = await import(document.querySelector('script[src*="/outbox.js"]').src);
  const core = await import("/static/js/outbox-core.js");
  const contract = JSON.parse(document.querySelector("#capture-form script[data-form-contract]").textContent);
  await outbox.putOp(core.newOp({ entity: "evidence_item", action: "create", inspectionId, data,
                                  labels: core.labelsOf(contract) }));
  await outbox.render();
}"""


def test_a_rejected_capture_waits_in_needs_attention_while_later_ones_sync(live_server, page_at):
    page = page_at(768)
    page.clock.install()
    base = go_offline_on_capture_page(page, live_server, "cqc@example.org", "demo-cqc-password")
    inspection_id = int(page.locator("#device-outbox").get_attribute("data-inspection-id"))
    page.evaluate(KEEP_UNCHECKED, [inspection_id, {
        "text": "Fictional capture with no aspect chosen.", "heading": 1, "aspect": "", "judgement": "strength",
        "strands": ["education"]}])
    page.locator("#device-outbox [data-pending] li").first.wait_for()
    capture(page, "Fictional capture after the faulty one.")
    page.locator("#device-outbox [data-pending] li").nth(1).wait_for()

    page.context.set_offline(False)
    attention = page.locator("#device-outbox [data-attention] li")
    attention.first.wait_for(timeout=20_000)
    page.locator("#device-outbox [data-pending] li").first.wait_for(state="detached", timeout=20_000)
    # The server's words, under the form's label rather than its key.
    assert "Aspect: Select the aspect this evidence is about" in attention.first.inner_text()
    assert "aspect:" not in attention.first.inner_text()
    assert "Fictional capture after the faulty one." in board_text(page, base)

    page.goto(f"{base}/evidence/new")
    page.get_by_role("button", name="Correct it").click()
    expect(page.locator("#capture-form textarea[name=text]")).to_have_value("Fictional capture with no aspect chosen.")
    page.locator("#capture-form").get_by_label("How timely was the identification").check()
    page.get_by_role("button", name="Save evidence").click()  # online now: the plain form path
    page.wait_for_url(re.compile(r"/board"))
    assert "Fictional capture with no aspect chosen." in board_text(page, base)
    page.goto(f"{base}/evidence/new")
    page.locator("#sync-status", has_text="0 captures waiting").wait_for()
    assert page.locator("#device-outbox [data-attention] li").count() == 0
    assert page.errors == []


def test_an_offline_capture_the_server_would_refuse_is_refused_on_the_device_in_the_forms_words(live_server, page_at):
    page = page_at(768)
    page.clock.install()
    go_offline_on_capture_page(page, live_server, "peer@example.org", "demo-peer-password")
    form = page.locator("#capture-form")
    form.get_by_label("What did you see or hear?").fill("Fictional capture saved with no heading.")
    form.get_by_label("Strength", exact=True).check()
    form.get_by_label("Education", exact=True).check()
    form.get_by_role("button", name="Save evidence").click()

    summary = form.locator(".govuk-error-summary")
    summary.wait_for()
    assert summary.locator("h2").inner_text() == "There is a problem"
    assert summary.locator("li").all_inner_texts() == ["Select the proposal (1 to 4) this evidence is about"]
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    group = form.locator(".govuk-form-group--error")
    assert " ".join(group.locator(".govuk-error-message").inner_text().split()) == (
        "Error: Select the proposal (1 to 4) this evidence is about")
    assert page.locator("#device-outbox [data-pending] li").count() == 0  # nothing kept
    # The status line is drawn by the page's script from IndexedDB, after the page loads.
    expect(page.locator("#sync-status")).to_contain_text("0 captures waiting to sync")

    # A heading but no aspect: the aspect of that heading is asked for, where it is asked.
    form.get_by_label("1. Identifying needs").check()
    a_second_passes(page)
    form.get_by_role("button", name="Save evidence").click()
    form.locator(".govuk-error-summary li", has_text="Select the aspect this evidence is about").wait_for()
    assert form.locator(".govuk-error-summary li").count() == 1
    assert form.locator("#aspect-1").evaluate(
        "e => e.closest('.govuk-form-group').classList.contains('govuk-form-group--error')")
    summary.get_by_role("link", name="Select the aspect this evidence is about").click()
    assert page.evaluate("document.activeElement.id") == "aspect-1"
    assert axe_violations(page) == []
    assert page.evaluate("""async () => {
      const outbox = await import(document.querySelector('script[src*="/outbox.js"]').src);
      return (await outbox.allOps()).length;
    }""") == 0

    # Put right, it is kept on the device and the errors go.
    form.get_by_label("How timely was the identification").check()
    a_second_passes(page)
    form.get_by_role("button", name="Save evidence").click()
    page.locator("#device-outbox [data-pending] li", has_text="saved with no heading").wait_for()
    assert form.locator(".govuk-error-summary, .govuk-error-message, .govuk-form-group--error").count() == 0
    assert page.errors == []


def test_two_inspectors_editing_the_same_item_offline_get_a_visible_conflict_keeping_both(live_server, page_at):
    lead, cqc = page_at(768), page_at(768)
    base, edit_page = one_item_for_two(lead, cqc, live_server)
    edited_offline_then_synced(edit_page, [(lead, "Lead's offline fictional wording."),
                                           (cqc, "CQC inspector's offline fictional wording.")])

    lead.goto(f"{base}/conflicts")
    section = lead.locator("section[id^=conflict-]", has_text="CQC inspector's offline fictional wording.")
    assert section.locator("[data-current]").inner_text() == "Lead's offline fictional wording."
    assert section.locator("[data-incoming]").inner_text() == "CQC inspector's offline fictional wording."
    lead.goto(f"{base}/board?heading=2")
    assert lead.locator("[data-conflict]").count() >= 1
    assert lead.errors == [] and cqc.errors == []


def test_make_an_inspection_available_offline_then_browse_it_with_no_connection(live_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.get_by_role("button", name="Make this inspection available offline").click()
    progress = page.locator("[data-offline-progress]", has_text="Available offline:")
    progress.wait_for(timeout=30_000)
    saved = int(re.search(r"(\d+) pages saved", progress.inner_text()).group(1))
    assert saved >= 20
    expect(page.locator("#sync-status")).to_contain_text("MB stored")  # measured by the script, after it draws
    page.context.set_offline(True)
    for path, heading in [("/plan", "Day plan"), ("/board?heading=3", "Evidence board"), ("/files/summary",
                                                                                           "File-sample summary")]:
        page.goto(base + path)  # never opened before going offline
        assert page.locator("h1").inner_text() == heading
    page.goto(f"{base}/board?heading=4")
    page.get_by_role("link", name="Day plan").click()
    expect(page.locator("h1")).to_have_text("Day plan")  # the page the link opens, not the one it leaves
    page.goto(f"{live_server}/admin/audit")  # not saved: the offline page, not an error
    assert page.locator("h1").inner_text() == "You are offline"
    page.context.set_offline(False)
    assert page.errors == []


def test_pressed_before_the_service_worker_is_in_charge_it_waits_for_it_rather_than_claim_pages_it_did_not_keep(
        live_server, page_at):
    page = page_at(768)
    page.context.route("**/sw.js", lambda route: route.abort())  # a new device whose worker is not installed yet
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    assert page.evaluate("navigator.serviceWorker.controller") is None
    page.get_by_role("button", name="Make this inspection available offline").click()
    progress = page.locator("[data-offline-progress]")
    progress.filter(has_text="Preparing this device to work offline").wait_for()
    page.context.unroute("**/sw.js")
    page.errors.clear()  # the refused first install, logged by the browser, as intended
    page.evaluate("navigator.serviceWorker.register('/sw.js').then(() => null)")  # it installs and takes charge
    progress.filter(has_text=re.compile(r"Available offline: \d+ pages saved")).wait_for(timeout=30_000)
    page.context.set_offline(True)
    page.goto(f"{base}/board?heading=3")  # never opened: saved by the button, through the worker
    assert page.locator("h1").inner_text() == "Evidence board"
    assert page.errors == []


def test_a_visit_and_a_case_file_recorded_offline_arrive_when_back_online(live_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    # Only pages fetched once the service worker is running are kept, and it keeps them as they arrive: both
    # waited for, or the form asked for offline may be the offline page.
    page.evaluate("navigator.serviceWorker.ready")
    page.goto(f"{base}/activities/new")
    page.goto(f"{base}/files/new")
    saved_on_device(page, f"{base}/activities/new", f"{base}/files/new")
    page.context.set_offline(True)

    page.goto(f"{base}/activities/new")  # from the device's saved copy
    page.get_by_label("Data or document review").check()
    page.get_by_label("Title (optional)").fill("Offline fictional review of the local offer")
    page.get_by_role("button", name="Save activity").click()
    page.locator("#device-outbox [data-pending] li", has_text="Offline fictional review").wait_for()

    page.goto(f"{base}/files/new")
    page.get_by_label("Case reference").fill("OFF-01")
    page.get_by_label("16 to 19").check()
    page.locator("#setting_type").check()
    page.get_by_label("SEN support", exact=True).check()
    page.get_by_label("HI – hearing impairment").check()
    page.get_by_label("Latest attendance (optional)").fill("48")
    page.locator("#rating-child_involved").check()  # strong
    page.get_by_role("button", name="Save case file").click()
    page.locator("#device-outbox [data-pending] li", has_text="Case file OFF-01").wait_for()
    assert page.locator("#device-outbox [data-pending] li").count() == 2

    page.context.set_offline(False)
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    page.goto(f"{base}/plan")
    assert page.locator("#days", has_text="Offline fictional review of the local offer").count() == 1
    page.goto(f"{base}/files")
    row = page.locator("#files tbody tr", has_text="OFF-01")
    assert "Severe absence" in row.inner_text()
    assert page.errors == []


def test_server_stopped_in_the_middle_of_a_sync_and_restarted_loses_and_duplicates_nothing(own_server, page_at):
    page = page_at(768)
    page.clock.install()
    base = go_offline_on_capture_page(page, own_server.url, "lead@example.org", "demo-lead-password")
    texts = [f"Fictional capture {n} sent as the server fell over." for n in (1, 2)]
    for n, text in enumerate(texts):
        capture(page, text)
        page.locator("#device-outbox [data-pending] li").nth(n).wait_for()
        a_second_passes(page)
    stopped = []

    def stop_mid_sync(route):
        # The server receives and applies the batch, then is killed before its answer reaches the tablet.
        if stopped:  # a retry while it is down
            route.abort()
            return
        route.fetch()
        own_server.stop()
        stopped.append(True)
        route.abort()

    page.route("**/api/v1/sync", stop_mid_sync)
    # Looked at once the tablet has given that sync up (its note in the console), not as the request fails.
    with page.expect_console_message(lambda m: m.text.startswith("Sync will be tried again") and bool(stopped),
                                     timeout=20_000):
        page.context.set_offline(False)  # back online: the tablet sends its batch, and the server falls over
    page.unroute("**/api/v1/sync")
    kept = page.evaluate("""async () => {
      const outbox = await import(document.querySelector('script[src*="/outbox.js"]').src);
      return (await outbox.allOps()).map((op) => op.data.text);
    }""")
    assert sorted(kept) == sorted(texts)  # no receipt: both still on the device
    assert page.locator("#device-outbox [data-pending] li").count() == 2
    own_server.start()
    # The inspector sees the server back and presses Sync now, rather than wait out the tablet's backoff (by then
    # 8-16 s); the batch it re-sends is the one the server already applied.
    page.get_by_role("button", name="Sync now").click()
    page.locator("#device-outbox").wait_for(state="hidden", timeout=30_000)
    page.errors.clear()  # the failed requests while the server was down were logged, as intended
    text = board_text(page, base)
    for capture_text in texts:
        assert text.count(capture_text) == 1
    assert page.errors == []


def test_notes_typed_offline_on_an_activity_are_kept_and_synced_as_one_edit(live_server, page_at):
    page = page_at(768)
    page.goto(open_demo_inspection(page, live_server, "cqc@example.org", "demo-cqc-password") + "/plan")
    page.locator("#days a", has_text="Meeting with leaders of health").first.click()
    # Loaded: the URL is the activity's, and htmx has started the notes' autosave (the field is there before).
    page.wait_for_url(re.compile(r"/activities/[0-9a-f-]{36}$"))
    activity_url = page.url
    notes = page.locator("#notes-text")
    notes.fill("Online fictional note.")
    page.locator("#notes-status", has_text="Saved").wait_for()  # autosaved online: version moves on
    # The form takes the new version when htmx settles the swap (htmx:load), a moment after "Saved" shows.
    expect(page.locator("#notes")).to_have_attribute(
        "data-base-version", page.locator("#notes-status").get_attribute("data-version"))
    page.context.set_offline(True)
    notes.fill("Online fictional note. Then more typed offline")
    page.locator("#notes-status", has_text="Saved on this device").wait_for(timeout=10_000)
    first = page.locator("#device-outbox [data-pending] li").get_attribute("data-op-id")
    notes.fill("Online fictional note. Then more typed offline, and more.")
    # A second autosave: it replaces the first in the outbox, not queued beside it.
    page.locator(f"#device-outbox [data-pending] li:not([data-op-id='{first}'])").wait_for(timeout=10_000)
    assert page.locator("#device-outbox [data-pending] li").count() == 1
    page.context.set_offline(False)
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    page.goto(activity_url)
    assert page.locator("#notes-text").input_value() == "Online fictional note. Then more typed offline, and more."
    page.errors.clear()  # htmx logs its failed autosave requests while offline
    page.goto(activity_url.rsplit("/activities", 1)[0] + "/conflicts")
    assert "Then more typed offline" not in page.locator("main").inner_text()
    assert page.errors == []


def test_a_new_release_of_the_service_worker_takes_over_without_breaking_an_open_page(own_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, own_server.url, "lead@example.org", "demo-lead-password")
    page.goto(f"{base}/evidence/new")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    first = [k for k in page.evaluate("caches.keys()") if k.startswith("sendfw-shell-")]
    page.locator("body[data-team-pulled]").wait_for(state="attached")  # the page's first read of the feed is done

    own_server.stop()
    own_server.start(RELEASE="next")  # a deploy: same assets, a new release of the app
    page.evaluate("""() => {
        window.workerBefore = navigator.serviceWorker.controller;
        return navigator.serviceWorker.getRegistration().then((r) => r.update());
    }""")
    # The new worker installs, takes the open page over, and is activated once it has dropped the old shell.
    page.wait_for_function("""() => navigator.serviceWorker.controller !== window.workerBefore
                                    && navigator.serviceWorker.controller.state === 'activated'""", timeout=10_000)
    shells = [k for k in page.evaluate("caches.keys()") if k.startswith("sendfw-shell-")]
    assert shells and not set(shells) & set(first), (first, shells)

    page.context.set_offline(True)
    capture(page, "Fictional capture made after the app updated itself.")  # the open page still works
    page.locator("#device-outbox [data-pending] li").first.wait_for()
    page.reload()  # and reloads offline from the new release's cache
    assert page.locator("h1").inner_text() == "Capture evidence"
    page.locator("#device-outbox [data-pending] li").first.wait_for()  # drawn from IndexedDB after the page loads
    assert page.locator("#device-outbox [data-pending] li").count() == 1
    page.context.set_offline(False)
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    assert page.errors == []


def colleague_captures(cqc, server_url: str, base: str, text: str):
    """The CQC inspector, on a device of their own, captures a short breaks item online while the lead's tablet
    looks on; returns their page."""
    sign_in(cqc, server_url, "cqc@example.org", "demo-cqc-password")
    cqc.goto(f"{base}/evidence/new")
    capture(cqc, text, "2. Meeting needs", "Short break care.", "Area for development", "Social care")
    cqc.wait_for_url(re.compile(r"/board"))
    return cqc


def test_a_tablet_pulls_the_teams_new_evidence_and_shows_it_on_a_page_saved_before(live_server, page_at):
    lead = page_at(768)
    base = open_demo_inspection(lead, live_server, "lead@example.org", "demo-lead-password")
    lead.evaluate("navigator.serviceWorker.ready")
    lead.goto(f"{base}/board?heading=2")
    lead.reload()  # controlled by the service worker now, which keeps this copy of the page
    lead.locator("body[data-team-pulled]").wait_for(state="attached")  # the page's first read of the feed is done

    text = "Fictional: the parent carer forum said short breaks are hard to book."
    cqc = colleague_captures(page_at(768), live_server, base, text)

    # The lead's tablet syncs without reloading: the colleague's item arrives through the change feed.
    lead.get_by_role("button", name="Sync now").click()
    arrived = lead.locator("[data-team-copy] li", has_text=text)
    arrived.wait_for()
    assert "area for development · short breaks · version 1" in arrived.inner_text()

    # No signal, and the page reloaded from the device: the saved page predates the item, the device has it.
    lead.context.set_offline(True)
    lead.reload()
    lead.locator("[data-team-copy] li", has_text=text).wait_for()
    assert text not in lead.locator("#results").inner_text()

    # Back online, a fresh page counts it in its place, and the "newer than this page" list empties.
    lead.context.set_offline(False)
    lead.reload()
    assert text in lead.locator("#results").inner_text()
    # Hidden in the page as served: looked at once the script has drawn it from the device (before its first read
    # of the feed), so an item wrongly kept in the list would show.
    lead.locator("body[data-team-pulled]").wait_for(state="attached")
    expect(lead.locator("[data-team-copy]")).to_be_hidden()
    assert lead.errors == [] and cqc.errors == []


def test_sync_now_pressed_while_a_sync_is_running_runs_again_once_it_ends(live_server, page_at):
    """The tablet syncs by itself every few seconds: "Sync now" pressed during one of those (begun before the
    colleague's item existed) is not dropped, leaving the item off the tablet until the next minute's read."""
    lead = page_at(768)
    base = open_demo_inspection(lead, live_server, "lead@example.org", "demo-lead-password")
    lead.goto(f"{base}/board?heading=2")
    lead.locator("body[data-team-pulled]").wait_for(state="attached")  # the page's first read of the feed is done
    held = []

    def hold_the_first_read(route):
        # The feed as it is now, before the colleague's item; its answer reaches the tablet only when released.
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    lead.route(re.compile(r"/changes\?"), hold_the_first_read)
    lead.get_by_role("button", name="Sync now").click()
    for _ in range(400):  # the route's handler runs as Playwright's events are read
        if held:
            break
        lead.wait_for_timeout(50)
    assert held, "the tablet did not read the change feed within 20 s of Sync now"

    text = "Fictional: the parent carer forum said the new short breaks offer was never explained."
    cqc = colleague_captures(page_at(768), live_server, base, text)

    lead.get_by_role("button", name="Sync now").click()  # while the first sync still waits on the feed
    route, response = held[0]
    route.fulfill(response=response)
    # Well before the tablet's next read of its own (a minute after the last).
    lead.locator("[data-team-copy] li", has_text=text).wait_for(timeout=20_000)
    lead.unroute(re.compile(r"/changes\?"))
    assert lead.errors == [] and cqc.errors == []


def test_evidence_deleted_offline_is_deleted_on_the_server_when_back_online(live_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    page.goto(f"{base}/evidence/new")
    capture(page, "Fictional capture that the lead will delete while offline.")
    page.wait_for_url(re.compile(r"/board"))
    page.locator(".app-evidence", has_text="will delete while offline").get_by_role("link", name="Edit").click()
    page.wait_for_url(re.compile(r"/edit$"))
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.context.set_offline(True)
    page.get_by_role("button", name="Delete this evidence").click()
    waiting = page.locator("#device-outbox [data-pending] li")
    waiting.wait_for()
    assert " ".join(waiting.inner_text().split()) == (
        "Fictional capture that the lead will delete while offline. "
        "evidence item to delete · deletion saved on this device")
    page.context.set_offline(False)
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    page.goto(f"{base}/board?heading=1&aspect=timeliness")
    assert "will delete while offline" not in page.locator("#results").inner_text()
    assert page.errors == []
