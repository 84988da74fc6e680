"""The author of an offline edit that became a conflict is told on their own device and can open it."""

import re

from tests.e2e.conftest import axe_violations, edited_offline_then_synced, one_item_for_two

LEAD_TEXT = "Lead's offline fictional wording, synced first."
PEER_TEXT = "CQC inspector's offline fictional wording, synced second."


def test_the_second_inspector_to_sync_sees_their_conflict_counted_with_a_link_that_opens_it(live_server, page_at):
    lead, cqc = page_at(768), page_at(375, 812)
    base, edit_page = one_item_for_two(lead, cqc, live_server)
    edited_offline_then_synced(edit_page, [(lead, LEAD_TEXT), (cqc, PEER_TEXT)])

    # Not "0 captures waiting" and nothing else: the edit that did not stand is counted, with a link to it.
    status = cqc.locator("#sync-status")
    link = status.get_by_role("link", name="1 of your edits is in conflict")
    link.wait_for()
    assert "0 captures waiting to sync, 1 of your edits is in conflict" in " ".join(status.inner_text().split())
    assert lead.locator("#sync-status").get_by_role("link", name=re.compile("in conflict")).count() == 0
    cqc.reload()  # kept on the device: still there on the next page
    link.wait_for()

    link.click()
    cqc.wait_for_url(re.compile(r"/conflicts#op-"))
    target = cqc.url.split("#", 1)[1]
    mine = cqc.locator("section[data-mine]")
    assert mine.count() == 1
    assert mine.locator(f"[id='{target}']").inner_text() == "Your edit"
    assert mine.locator("[data-incoming]").inner_text() == PEER_TEXT
    assert mine.locator("[data-current]").inner_text() == LEAD_TEXT
    assert "From you on" in mine.inner_text()
    assert "1 of these is your own edit" in cqc.locator("[data-own-conflicts]").inner_text()
    who = " ".join(cqc.locator("[data-who-resolves]").inner_text().split())
    assert who.startswith("Anyone on the inspection team can choose: the lead inspector, the other inspectors on "
                          "the team, or the inspector who made the edit.")
    assert axe_violations(cqc) == []

    # The lead sees the same conflict as someone else's, and resolves it; the author's device then stops counting it.
    lead.goto(f"{base}/conflicts")
    theirs = lead.locator("section[id^=conflict-]", has_text=PEER_TEXT)
    assert theirs.locator("[data-mine]").count() == 0 and "Your edit" not in theirs.inner_text()
    theirs.get_by_label("Keep the current version").check()
    theirs.get_by_role("button", name="Resolve").click()
    lead.get_by_text("Conflict resolved.").wait_for()

    cqc.goto(f"{base}/board?heading=2")
    status.get_by_text("0 captures waiting to sync").wait_for()
    assert "in conflict" not in status.inner_text()
    assert lead.errors == [] and cqc.errors == []


# An edit of the record, set aside under "Needs attention" on this device (as the server refused it), made from the
# version the record had then.
PUT_EDIT = """async ([itemId, version, inspectionId]) => {
  const outbox = await import(document.querySelector('script[src*="/outbox.js"]').src);
  await outbox.putOp({
    op_id: crypto.randomUUID(), entity: "evidence_item", action: "update", id: itemId, base_version: version,
    inspection_id: inspectionId, client_time: new Date().toISOString(),
    data: { text: "Peer's fictional edit, refused.", heading: 1, aspect: "timeliness", judgement: "strength",
            strands: ["education"] },
    rejected: ["text: The server refused this fictional edit"],
  });
  await outbox.render();
}"""


def test_an_edit_waiting_on_the_device_whose_record_someone_else_changed_says_so(live_server, page_at):
    lead, cqc = page_at(768), page_at(768)
    base, edit_page = one_item_for_two(lead, cqc, live_server)
    cqc.goto(edit_page)
    form = cqc.locator("#capture-form")
    item_id, version = form.get_attribute("data-entity-id"), int(form.get_attribute("data-base-version"))
    cqc.evaluate(PUT_EDIT, [item_id, version, int(base.rsplit("/", 1)[1])])
    cqc.locator("#device-outbox [data-attention] li").wait_for()
    assert cqc.locator("[data-overtaken]").count() == 0

    lead.goto(edit_page)  # the lead changes the same record, online
    lead.locator("#capture-form textarea[name=text]").fill("Lead's fictional change, made online.")
    lead.get_by_role("button", name="Save changes").click()
    lead.wait_for_url(re.compile(r"/board"))  # saved: back on the board

    cqc.locator("[data-sync-now]").click()  # reads the change feed: the record moved on past the edit
    status = cqc.locator("#sync-status")
    status.get_by_role("link", name="1 changed by someone else meanwhile").wait_for()
    warning = cqc.locator("#device-outbox [data-attention] li [data-overtaken]")
    assert warning.inner_text() == ("This record was changed by someone else since you edited it: when it syncs, both "
                                    "versions are kept for the team to choose.")
    assert lead.errors == [] and cqc.errors == []
