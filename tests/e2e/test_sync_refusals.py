"""A batch the server cannot take never holds the tablet hostage: the op at fault waits under "Needs attention"
with words saying why, everything beside it lands, and the inspector can discard it and sign out."""

import math
import re
import uuid

from tests.e2e.conftest import (
    axe_violations,
    board_text,
    capture,
    go_offline_on_capture_page,
    open_demo_inspection,
    saved_on_device,
)

CONCERN = "Fictional: a child said a member of staff pushed them on the stairs (test)."
BROKEN = "Fictional capture with a broken character [U+D800] in it."  # put_op makes it a lone surrogate
SERVER_FAILED = ("The server could not accept this capture (error 500). It is kept on this device: "
                 "check its text, edit or discard it.")

# In page.evaluate: an op put into the outbox through the outbox's own functions, as a corrupted capture sits there.
PUT_OP = """async ([opId, inspectionId, text]) => {
  const outbox = await import(document.querySelector('script[src*="/outbox.js"]').src);
  await outbox.putOp({
    op_id: opId, entity: "evidence_item", action: "create", id: crypto.randomUUID(), base_version: null,
    inspection_id: inspectionId, client_time: new Date().toISOString(),
    data: { text: text.replace("[U+D800]", "\\ud800"), heading: 1, aspect: "timeliness", judgement: "strength",
            strands: ["education"] },
  });
  await outbox.render();
}"""


# In page.evaluate: what the outbox holds, each op as [text, set aside].
STORED = """async () => {
  const outbox = await import(document.querySelector('script[src*="/outbox.js"]').src);
  return (await outbox.allOps()).map((op) => [op.data.text, Boolean(op.rejected)]);
}"""


def put_op(page, text: str) -> str:
    op_id = str(uuid.uuid4())
    inspection_id = int(page.locator("#device-outbox").get_attribute("data-inspection-id"))
    page.evaluate(PUT_OP, [op_id, inspection_id, text])
    return op_id


def forget_failed_loads(page, status: int) -> None:
    """The browser logs each refusal the sync met as a failed load: that is the server failing, not the page."""
    page.errors[:] = [e for e in page.errors if f"status of {status}" not in e]


def test_a_capture_the_server_cannot_store_waits_in_needs_attention_and_the_rest_lands(own_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, own_server.url, "cqc@example.org", "demo-cqc-password")
    page.goto(f"{base}/evidence/new")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # controlled by the service worker, which keeps copies of the pages for offline use
    page.goto(f"{base}/concerns/new")
    page.goto(f"{base}/evidence/new")
    saved_on_device(page, f"{base}/concerns/new", f"{base}/evidence/new")  # both opened offline below
    page.context.set_offline(True)

    texts = [f"Fictional evidence {n} captured beside a broken capture." for n in (1, 2)]
    pending = page.locator("#device-outbox [data-pending] li")
    capture(page, texts[0])
    pending.first.wait_for()
    page.get_by_role("button", name="Safeguarding concern").click()
    page.wait_for_url(re.compile(r"/concerns/new$"))
    page.get_by_label("An allegation about an adult who works with children").check()
    page.get_by_label("What you saw or heard").fill(CONCERN)
    page.get_by_role("button", name="Record the concern").click()
    pending.filter(has_text="Safeguarding concern").wait_for()
    page.goto(f"{base}/evidence/new")  # the device's copy
    capture(page, texts[1])
    pending.nth(2).wait_for()
    put_op(page, BROKEN)
    pending.nth(3).wait_for()
    assert "4 captures waiting to sync" in page.locator("#sync-status").inner_text()

    page.context.set_offline(False)
    attention = page.locator("#device-outbox [data-attention] li")
    attention.first.wait_for(timeout=30_000)
    pending.first.wait_for(state="detached", timeout=30_000)
    assert attention.count() == 1
    assert "Fictional capture with a broken character" in attention.inner_text()
    # The server's own words, saying which field (in the form's words) and why.
    words = attention.locator(".govuk-error-message").inner_text()
    assert re.search(r"^What did you see or hear\? .*unpaired surrogate.*cannot be stored", words), words
    page.locator("#sync-status", has_text="0 captures waiting to sync, 1 needs attention").wait_for()

    # Discarding is asked twice; then nothing waits and sign-out goes through.
    attention.get_by_role("button", name="Discard").click()
    attention.get_by_text("will never reach the server").wait_for()
    assert axe_violations(page) == []
    attention.get_by_role("button", name="Keep it").click()
    attention.get_by_text("will never reach the server").wait_for(state="detached")
    assert attention.count() == 1
    attention.get_by_role("button", name="Discard").click()
    attention.get_by_role("button", name="Yes, discard it").click()
    page.locator("#device-outbox").wait_for(state="hidden")
    page.locator("#sync-status", has_text=re.compile(r"0 captures waiting to sync(?!,)")).wait_for()

    board = board_text(page, base)
    for text in texts:
        assert board.count(text) == 1
    lead = page_at(768)
    open_demo_inspection(lead, own_server.url, "lead@example.org", "demo-lead-password")
    assert "1 safeguarding concern not yet marked as actioned" in lead.locator(".app-concerns-banner").inner_text()
    lead.locator(".app-concerns-banner").get_by_role("link").click()
    lead.get_by_role("link", name="An allegation about an adult who works with children").click()
    assert CONCERN in lead.locator(".govuk-summary-list").inner_text()

    page.get_by_role("button", name=re.compile("^Sign out")).click()
    page.wait_for_url(re.compile(r"/login"))
    assert page.errors == [] and lead.errors == []


def test_a_batch_the_server_fails_on_is_halved_until_the_one_op_at_fault_is_set_aside(live_server, page_at):
    page = page_at(768)
    base = go_offline_on_capture_page(page, live_server, "lead@example.org", "demo-lead-password")
    texts = [f"Fictional capture {n} queued beside one the server fails on." for n in range(1, 5)]
    op_ids = [put_op(page, text) for text in texts]
    bad = op_ids[2]
    page.locator("#device-outbox [data-pending] li").nth(3).wait_for()

    batches: list[list[str]] = []

    def fail_on_the_bad_op(route):
        sent = [op["op_id"] for op in route.request.post_data_json["ops"]]
        batches.append(sent)
        if bad in sent:  # a server that fails on this one op, whatever else is beside it
            route.fulfill(status=500, body="Internal Server Error")
        else:
            route.continue_()

    page.route("**/api/v1/sync", fail_on_the_bad_op)
    page.context.set_offline(False)
    attention = page.locator("#device-outbox [data-attention] li")
    attention.first.wait_for(timeout=30_000)
    page.locator("#device-outbox [data-pending] li").first.wait_for(state="detached", timeout=30_000)
    assert texts[2] in attention.inner_text()
    assert attention.locator(".govuk-error-message").inner_text() == SERVER_FAILED
    page.locator("#sync-status", has_text="0 captures waiting to sync, 1 needs attention").wait_for()

    # Found by halving, not by resending: the whole batch twice, then one half and the op alone.
    n = len(op_ids)
    with_bad = [b for b in batches if bad in b]
    assert len(with_bad) <= 2 + math.ceil(math.log2(n)), batches
    assert len([b for b in batches if b]) <= 2 * math.ceil(math.log2(n)) + 3, batches
    assert all(len(b) <= n for b in batches)
    # More syncs send nothing: the op waits for the inspector, not for the server.
    seen = len(batches)
    for _ in range(2):
        # "Sync now" until a sync has run to its end (one already running when it is pressed runs first).
        page.wait_for_function("""(before) => document.body.dataset.teamPulled !== before ||
            void document.querySelector("[data-sync-now]").click()""",
                               arg=page.evaluate("document.body.dataset.teamPulled"), polling=500)
    assert [b for b in batches[seen:] if b] == []

    # Every other capture landed once; the set-aside one is kept whole and goes when the server is put right.
    board = board_text(page, base)
    assert [board.count(text) for text in texts] == [1, 1, 0, 1]
    page.unroute("**/api/v1/sync")
    page.goto(f"{base}/evidence/new")
    page.locator("#device-outbox [data-attention] li").get_by_role("button", name="Send again").click()
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    assert board_text(page, base).count(texts[2]) == 1
    forget_failed_loads(page, 500)
    assert page.errors == []


def test_a_server_down_for_every_batch_sets_nothing_aside(live_server, page_at):
    page = page_at(768)
    base = go_offline_on_capture_page(page, live_server, "peer@example.org", "demo-peer-password")
    texts = [f"Fictional capture {n} sent while the server is down." for n in (1, 2)]
    for text in texts:
        put_op(page, text)
    page.locator("#device-outbox [data-pending] li").nth(1).wait_for()

    batches: list[list[str]] = []

    def down(route):
        batches.append([op["op_id"] for op in route.request.post_data_json["ops"]])
        route.fulfill(status=503, body="Service Unavailable")

    page.route("**/api/v1/sync", down)
    # Twice refused, then the empty batch that checks the server is refused too: an outage, so nothing is set
    # aside and the whole batch waits for the server to come back. Looked at once that sync has given up (its note
    # in the console), not as the empty batch's answer arrives, before the tablet has acted on it.
    def gave_up_after_the_empty_batch(message) -> bool:
        return message.text.startswith("Sync will be tried again") and batches[-1:] == [[]]

    with page.expect_console_message(gave_up_after_the_empty_batch, timeout=30_000):
        page.context.set_offline(False)
    assert [len(b) for b in batches] == [2, 2, 0], batches
    assert sorted(page.evaluate(STORED)) == [[text, False] for text in sorted(texts)]  # both kept, none set aside
    assert page.locator("#device-outbox [data-attention] li").count() == 0
    assert page.locator("#device-outbox [data-pending] li").count() == 2
    page.unroute("**/api/v1/sync")
    page.get_by_role("button", name="Sync now").click()
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    board = board_text(page, base)
    assert [board.count(text) for text in texts] == [1, 1]
    forget_failed_loads(page, 503)
    assert page.errors == []
