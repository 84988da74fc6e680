// The outbox's pure half (app/static/js/outbox-core.js), run by node's test runner: `node --test tests/js/`.
// tests/integration/test_form_contract.py checks `validate` against the server on the real contracts.
import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  DATA_OF, MAX_BATCH, Refused, anchorOf, concernData, conflictHref, conflictNote, countRefusal, describe, evidenceData,
  fileReviewData, isolate, labelsOf, newOp, overtaken, parseDate, parseNumber, reasons, recordData, refusesBatch,
  replacedBy, sendBatch, sendOrder, settled, statusParts, summaryOf, validate, waitingWords, wire,
} from "../../app/static/js/outbox-core.js";

function fields(entries) {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

const choice = (...values) => values.map((value) => ({ value, label: value.toUpperCase() }));

// A contract in the server's vocabulary (app/forms_contract.py), with one field of each rule.
const CONTRACT = {
  entity: "evidence_item",
  title: "Capture evidence",
  fields: [
    { name: "text", label: "What did you see or hear?", kind: "text", required: "Enter what you saw or heard", limit: 10,
      too_long: "Evidence must be 10 characters or fewer", anchor: "text" },
    { name: "heading", label: "Proposal", kind: "choice", choices: choice("1", "2"),
      required: "Select the proposal (1 to 2) this evidence is about", anchor: "heading" },
    { name: "aspect", label: "Aspect", kind: "choice", required: "Select the aspect this evidence is about",
      choices_by: { field: "heading", choices: { 1: choice("timeliness"), 2: choice("short_breaks") } },
      other_group: "Select an aspect of proposal {value}", anchor: "aspect-{heading}" },
    { name: "strands", label: "Service", kind: "choices", choices: choice("education", "health"),
      required: "Select at least one service", invalid: "Select education or health", anchor: "strands" },
    { name: "source_id", label: "Where did this come from?", kind: "text",
      required: "Select the activity or case file this evidence comes from",
      required_when: { source_type: ["activity", "file_review"] }, anchor: "source_kind" },
    { name: "source_label", label: "Title of the document", kind: "text", required: "Enter the document's title",
      when: { source_type: ["document"], source_id: [""] }, limit: 200, too_long: "Too long" },
  ],
};
const GOOD = { text: "Seen.", heading: 1, aspect: "timeliness", strands: ["education"] };

group("validate: a capture against its form's contract", () => {
  test("a capture that meets every rule has no errors", () => {
    assert.deepEqual(validate(CONTRACT, GOOD), {});
  });

  test("each required field left empty gets its own words, in the form's order", () => {
    assert.deepEqual(validate(CONTRACT, { text: "  ", heading: null, aspect: "", strands: [] }), {
      text: "Enter what you saw or heard",
      heading: "Select the proposal (1 to 2) this evidence is about",
      strands: "Select at least one service",
    }); // no aspect error: it cannot be judged until a heading is chosen
  });

  test("an aspect is one of the chosen heading's", () => {
    assert.deepEqual(validate(CONTRACT, { ...GOOD, aspect: "" }), { aspect: "Select the aspect this evidence is about" });
    assert.deepEqual(validate(CONTRACT, { ...GOOD, aspect: "made_up" }), { aspect: "Select the aspect this evidence is about" });
    assert.deepEqual(validate(CONTRACT, { ...GOOD, heading: 2 }), { aspect: "Select an aspect of proposal 2" });
  });

  test("limits count characters after trimming, as the server does", () => {
    assert.deepEqual(validate(CONTRACT, { ...GOOD, text: " 0123456789 " }), {});
    assert.deepEqual(validate(CONTRACT, { ...GOOD, text: "01234567890" }), { text: "Evidence must be 10 characters or fewer" });
    assert.deepEqual(validate(CONTRACT, { ...GOOD, text: "😀".repeat(10) }), {}); // ten characters, twenty UTF-16 units
  });

  test("several choices must all be known", () => {
    assert.deepEqual(validate(CONTRACT, { ...GOOD, strands: ["education", "housing"] }), { strands: "Select education or health" });
  });

  test("a field required only in one case, and a field asked only in one case", () => {
    const errors = validate(CONTRACT, { ...GOOD, source_type: "activity", source_id: "" });
    assert.deepEqual(errors, { source_id: "Select the activity or case file this evidence comes from" });
    assert.deepEqual(validate(CONTRACT, { ...GOOD, source_type: "", source_id: "a1" }), {});
    assert.deepEqual(validate(CONTRACT, { ...GOOD, source_type: "document", source_label: "" }),
      { source_label: "Enter the document's title" });
    assert.deepEqual(validate(CONTRACT, { ...GOOD, source_type: "none", source_label: "x".repeat(300) }), {});
  });

  test("patterns a text must not match, numbers, times and dates", () => {
    const contract = { fields: [
      { name: "ref", label: "Case reference", kind: "text", required: "Enter a case reference",
        refuse: [{ pattern: "(?<!\\d)\\d{3}[\\s-]?\\d{3}[\\s-]?\\d{4}(?!\\d)", message: "Looks like an NHS number" }] },
      { name: "percent", label: "Attendance", kind: "number", minimum: 0, maximum: 100, invalid: "0 to 100" },
      { name: "start", label: "Start time", kind: "time", invalid: "Like 09:30" },
      { name: "requested", label: "Requested", kind: "date", invalid: "Requested must be a real date",
        past: "Requested must be today or in the past", earliest: "1990-01-01", latest: "2100-12-31", out_of_range: "1990 to 2100" },
      { name: "issued", label: "Issued", kind: "date", invalid: "Issued must be a real date", earliest: "1990-01-01",
        latest: "2100-12-31", not_before: ["requested", "Issued before requested"] },
    ] };
    const today = new Date(2026, 10, 24);
    const check = (data) => validate(contract, { ref: "P1-07", ...data }, today);
    assert.deepEqual(check({}), {});
    assert.deepEqual(check({ ref: "485 777 3456" }), { ref: "Looks like an NHS number" });
    assert.deepEqual(check({ percent: "87.5 %" }), {});
    assert.deepEqual(check({ percent: "101" }), { percent: "0 to 100" });
    assert.deepEqual(check({ percent: "0x10" }), { percent: "0 to 100" });
    assert.deepEqual(check({ start: "9:30" }), {});
    assert.deepEqual(check({ start: "24:00" }), { start: "Like 09:30" });
    assert.deepEqual(check({ requested: "2026-02-30" }), { requested: "Requested must be a real date" });
    assert.deepEqual(check({ requested: "2026-11-25" }), { requested: "Requested must be today or in the past" });
    assert.deepEqual(check({ requested: "1900-01-01" }), { requested: "1990 to 2100" });
    assert.deepEqual(check({ requested: "2026-05-01", issued: "2026-04-01" }), { issued: "Issued before requested" });
  });

  test("ratings: each rated aspect's rating and comment, keyed as the form names them", () => {
    const contract = { fields: [{ name: "ratings", label: "Ratings", kind: "ratings", choices: choice("strong", "weak"),
      aspects: [{ value: "timeliness", label: "P1: How timely" }], invalid: "Select strong or weak",
      other_group: "Unknown aspect {value!r} for this framework", comment_limit: 5, comment_too_long: "Comment too long" }] };
    assert.deepEqual(validate(contract, { ratings: { timeliness: { rating: "strong", comment: "ok" } } }), {});
    assert.deepEqual(validate(contract, { ratings: { timeliness: { rating: "", comment: "long comment" } } }), {});
    assert.deepEqual(validate(contract, { ratings: { timeliness: { rating: "great" } } }),
      { "rating-timeliness": "Select strong or weak" });
    assert.deepEqual(validate(contract, { ratings: { timeliness: { rating: "weak", comment: "far too long" } } }),
      { "rating-timeliness": "Comment too long" });
    assert.deepEqual(validate(contract, { ratings: { other: { rating: "weak" } } }),
      { ratings: "Unknown aspect 'other' for this framework" });
    assert.deepEqual(labelsOf(contract), { ratings: "Ratings", "rating-timeliness": "P1: How timely" });
  });

  test("an error's anchor is its field's first input, filled from the capture", () => {
    assert.equal(anchorOf(CONTRACT, "aspect", { heading: 2 }), "aspect-2");
    assert.equal(anchorOf(CONTRACT, "source_id", {}), "source_kind");
    assert.equal(anchorOf(CONTRACT, "rating-timeliness", {}), "rating-timeliness");
  });

  test("dates and numbers are read as the server reads them", () => {
    assert.equal(parseDate("2026-11-24"), "2026-11-24");
    assert.equal(parseDate("2026-13-01"), null);
    assert.equal(parseNumber(" 50% "), 50);
    assert.equal(parseNumber("1e2"), 100);
    assert.equal(parseNumber("Infinity"), null);
  });
});

group("ops from a form's fields", () => {
  test("evidence: the source radios become the source fields the server reads", () => {
    const base = [["text", "Seen"], ["heading", "2"], ["aspect", "short_breaks"], ["judgement", "strength"],
      ["strands", "education"], ["strands", "health"]];
    assert.deepEqual(evidenceData(fields([...base, ["source_kind", "activity"], ["source_activity", "a1"]])), {
      text: "Seen", heading: 2, aspect: "short_breaks", judgement: "strength", strands: ["education", "health"],
      source_id: "a1", source_type: "", observed_on: "",
    });
    // The day observed travels as chosen; left on the default it is empty, for the server to fill from the source.
    assert.equal(evidenceData(fields([...base, ["observed_on", "2026-11-26"]])).observed_on, "2026-11-26");
    assert.deepEqual(evidenceData(fields([...base, ["source_kind", "activity"]])).source_type, "activity");
    const document = evidenceData(fields([...base, ["source_kind", "document"], ["source_label", "SEF"]]));
    assert.deepEqual([document.source_type, document.source_label], ["document", "SEF"]);
    const fixed = evidenceData(fields([...base, ["fixed_source", "yes"], ["source_type", "file_review"], ["source_id", "f1"]]));
    assert.deepEqual([fixed.source_type, fixed.source_id], ["file_review", "f1"]);
    assert.equal(evidenceData(fields([["text", "x"]])).heading, null);
  });

  test("a case file's date boxes become ISO dates and its ratings one map", () => {
    const data = fileReviewData(fields([["case_reference", "P1-07"], ["plan_issued_on-day", "5"],
      ["plan_issued_on-month", "3"], ["plan_issued_on-year", "2026"], ["rating-timeliness", "strong"],
      ["comment-timeliness", "Quick"], ["rating-parents_involved", ""]]));
    assert.equal(data.plan_issued_on, "2026-03-05");
    assert.equal(data.concern_raised_on, "");
    assert.deepEqual(data.ratings, { timeliness: { rating: "strong", comment: "Quick" } });
  });

  test("a concern carries when the inspector met it", () => {
    const now = new Date("2026-11-24T10:00:00Z");
    const data = concernData(fields([["category", "low_level"], ["reported_on-day", "24"], ["reported_on-month", "11"],
      ["reported_on-year", "2026"]]), now);
    assert.equal(data.met_at, "2026-11-24T10:00:00.000Z");
    assert.equal(data.reported_on, "2026-11-24");
  });

  test("a part of a record edited offline travels with the whole record", () => {
    assert.deepEqual(recordData({ title: "Visit", notes: "old" }, fields([["notes", "new"], ["other", "x"]])),
      { title: "Visit", notes: "new" });
  });

  test("a new op keeps the form's words beside it, and the server is sent none of what stays on the device", () => {
    let n = 0;
    const op = newOp({ entity: "evidence_item", action: "create", inspectionId: "7", data: GOOD,
      labels: { text: "What did you see or hear?" }, now: new Date("2026-11-24T10:00:00Z"), uuid: () => `id-${++n}` });
    assert.deepEqual(op, { op_id: "id-1", entity: "evidence_item", action: "create", id: "id-2", base_version: null,
      inspection_id: 7, data: GOOD, client_time: "2026-11-24T10:00:00.000Z", labels: { text: "What did you see or hear?" } });
    const edit = newOp({ entity: "activity", action: "update", entityId: "a1", baseVersion: "3", inspectionId: 7, data: {} });
    assert.equal(edit.base_version, 3);
    assert.deepEqual(Object.keys(wire({ ...op, rejected: ["x"], refused: 500 })),
      ["op_id", "entity", "action", "id", "base_version", "inspection_id", "data", "client_time"]);
  });
});

group("merging and order", () => {
  test("a newer edit replaces the edits of the same record not yet sent, never a refused one or a creation", () => {
    const ops = [{ op_id: "1", id: "r", action: "update" }, { op_id: "2", id: "r", action: "update", rejected: ["x"] },
      { op_id: "3", id: "r", action: "create" }, { op_id: "4", id: "other", action: "update" }];
    assert.deepEqual(replacedBy(ops, "r"), ["1"]);
  });

  test("concerns go first, then captures in the order they were made; refused ones wait; at most a batch", () => {
    const ops = [{ op_id: "a", entity: "evidence_item", client_time: "2026-11-24T10:02:00Z" },
      { op_id: "b", entity: "evidence_item", client_time: "2026-11-24T10:01:00Z" },
      { op_id: "c", entity: "safeguarding_concern", client_time: "2026-11-24T10:03:00Z" },
      { op_id: "d", entity: "evidence_item", client_time: "2026-11-24T10:00:00Z", rejected: ["x"] }];
    assert.deepEqual(sendOrder(ops).map((op) => op.op_id), ["c", "b", "a"]);
    const many = Array.from({ length: MAX_BATCH + 3 }, (_, i) => ({ op_id: String(i), entity: "x", client_time: String(i).padStart(4, "0") }));
    assert.equal(sendOrder(many).length, MAX_BATCH);
  });
});

// A server that fails on some ops whatever is beside them, and records every batch it is sent.
function fakeServer({ badIds = [], down = false, status = 500 } = {}) {
  const sent = [];
  const landed = [];
  const setAside = [];
  let refusals = 0;
  const io = {
    async post(ops) {
      sent.push(ops.map((op) => op.op_id));
      if (down || ops.some((op) => badIds.includes(op.op_id))) throw new Refused(status);
      return ops.map((op) => ({ op_id: op.op_id, status: "applied" }));
    },
    async takeReceipts(ops, results) { landed.push(...results.map((r) => r.op_id)); },
    async serverWorks() { return !down; },
    async setAside(op, why) { setAside.push([op.op_id, why]); },
    async refusedBefore() { refusals += 1; return refusals; },
  };
  return { io, sent, landed, setAside };
}

const opsOf = (n) => Array.from({ length: n }, (_, i) => ({ op_id: `op${i}` }));

group("a batch the server refuses", () => {
  test("which answers refuse a batch as a whole", () => {
    assert.deepEqual([500, 503, 400, 413, 422, 401, 403, 409].map(refusesBatch),
      [true, true, true, true, true, false, false, false]);
  });

  test("refusals of the same batch are counted in a row; another batch starts again", () => {
    const ops = opsOf(3);
    const first = countRefusal({}, ops);
    assert.equal(first.times, 1);
    assert.equal(countRefusal(first, ops).times, 2);
    assert.equal(countRefusal(first, opsOf(2)).times, 1);
  });

  test("halving finds the one op the server fails on in about 2·log2(n) requests; every other op lands", async () => {
    const ops = opsOf(16);
    const server = fakeServer({ badIds: ["op11"] });
    await isolate(ops, 500, server.io);
    assert.deepEqual(server.setAside, [["op11", 500]]);
    assert.deepEqual(server.landed.sort(), ops.map((op) => op.op_id).filter((id) => id !== "op11").sort());
    assert.ok(server.sent.length <= 2 * Math.log2(16) + 1, server.sent);
    assert.ok(server.sent.every((batch) => batch.length <= 8));
  });

  test("a batch is halved only after its second refusal, and only if an empty batch goes through", async () => {
    const ops = opsOf(4);
    const server = fakeServer({ badIds: ["op2"] });
    await assert.rejects(sendBatch(ops, server.io), Refused); // the first refusal: tried again later, whole
    assert.deepEqual(server.setAside, []);
    await sendBatch(ops, server.io);
    assert.deepEqual(server.setAside, [["op2", 500]]);
    assert.deepEqual(server.landed.sort(), ["op0", "op1", "op3"]);
  });

  test("an outage sets nothing aside: every op waits", async () => {
    const server = fakeServer({ down: true, status: 503 });
    await assert.rejects(sendBatch(opsOf(2), server.io), Refused);
    await assert.rejects(sendBatch(opsOf(2), server.io), Refused);
    assert.deepEqual(server.setAside, []);
    assert.deepEqual(server.sent, [["op0", "op1"], ["op0", "op1"]]);
  });

  test("a lost connection midway leaves the rest as it is", async () => {
    const server = fakeServer({ badIds: ["op0"] });
    server.io.post = async (ops) => { server.sent.push(ops); throw new Error("offline"); };
    await assert.rejects(isolate(opsOf(4), 500, server.io), /offline/);
    assert.deepEqual(server.setAside, []);
  });
});

group("words on the page", () => {
  test("the server's reasons speak the form's labels where the op kept them", () => {
    const op = { rejected: ["heading: Select the proposal (1 to 4) this evidence is about",
      "text: Contains a control character", "base_version: stale"],
    labels: { heading: "Proposal", text: "What did you see or hear?" } };
    assert.deepEqual(reasons(op), ["Proposal: Select the proposal (1 to 4) this evidence is about",
      "What did you see or hear? Contains a control character", "base_version: stale"]);
    assert.deepEqual(reasons({ rejected: ["text: as sent"] }), ["text: as sent"]);
    assert.deepEqual(reasons({ rejected: ["conversation: Record the family's consent before the conversation"],
      labels: { conversation_with: "With" } }), ["Record the family's consent before the conversation"]);
  });

  test("an op is described without raw values", () => {
    const op = { entity: "evidence_item", action: "create", data: { text: "Seen", heading: null, judgement: "" } };
    assert.equal(describe(op), "No heading · saved on this device");
    assert.equal(describe({ ...op, data: { heading: 1, judgement: "area_for_development" } }),
      "Heading 1, area for development · saved on this device");
    assert.equal(describe({ ...op, labels: { heading: "Evaluation criterion" }, data: { heading: 3 } }),
      "Evaluation criterion 3 · saved on this device");
    // An op queued on the device before the rename names its heading "proposal", and is described the same.
    assert.equal(describe({ ...op, labels: { proposal: "Proposal" }, data: { proposal: 2, judgement: "strength" } }),
      "Proposal 2, strength · saved on this device");
    assert.equal(describe({ entity: "activity", action: "update", data: {} }), "activity · edit saved on this device");
    assert.equal(summaryOf({ entity: "safeguarding_concern", action: "create", data: { what_happened: "secret" } }),
      "Safeguarding concern (sent before anything else)");
  });

  test("an answer on a tracked case names the case, carries no version and is described in its words", () => {
    const data = DATA_OF.case_consent(fields([["consent", "given"], ["consent_from", "both"],
      ["consent_recorded_on-day", "4"], ["consent_recorded_on-month", "3"], ["consent_recorded_on-year", "2027"]]));
    assert.deepEqual(data, { consent: "given", consent_from: "both", consent_recorded_on: "2027-03-04" });
    const op = newOp({ entity: "case_consent", action: "create", entityId: "case-1", inspectionId: "3", data,
      uuid: () => "op-1" });
    assert.deepEqual([op.id, op.base_version, op.action], ["case-1", null, "create"]);
    assert.equal(summaryOf(op), "Consent on a tracked case");
    assert.equal(describe(op), "consent · saved on this device");
    assert.deepEqual(DATA_OF.case_meeting(fields([["meeting_services", "health"], ["meeting_services", "education"]])),
      { meeting_services: ["health", "education"], meeting_on: "" });
  });

  test("documents asked for and received on a tracked case are named by their codes, never a server's id", () => {
    const asked = DATA_OF.case_document_request(fields([["documents", "ehc_plan"], ["documents", "chronology"],
      ["requested_on-day", "9"], ["requested_on-month", "3"], ["requested_on-year", "2027"]]));
    assert.deepEqual(asked, { documents: ["ehc_plan", "chronology"], requested_on: "2027-03-09" });
    const received = DATA_OF.case_document_received(fields([["document", "ehc_plan"], ["received_on-day", "10"],
      ["received_on-month", "3"], ["received_on-year", "2027"]]));
    assert.deepEqual(received, { document: "ehc_plan", received_on: "2027-03-10" });
    const op = newOp({ entity: "case_document_request", action: "create", entityId: "case-1", inspectionId: "3",
      data: asked, uuid: () => "op-2" });
    assert.deepEqual([op.id, op.base_version], ["case-1", null]);
    assert.equal(summaryOf(op), "Documents asked for on a tracked case");
    assert.equal(describe({ ...op, entity: "case_document_received" }), "document received · saved on this device");
    // A refused received date points at its own row's boxes, one row per document on the case's page.
    const contract = { entity: "case_document_received", fields: [
      { name: "document", label: "Document", kind: "choice", required: "Select the document received",
        anchor: "case-documents" },
      { name: "received_on", label: "Date received", kind: "date", required: "Enter the date it was received",
        invalid: "The date it was received must be a real date", earliest: "2000-01-01", latest: "2100-12-31",
        anchor: "received_on-{document}-day" }] };
    const wrong = { document: "ehc_plan", received_on: "2027-02-30" };
    assert.deepEqual(validate(contract, wrong), { received_on: "The date it was received must be a real date" });
    assert.equal(anchorOf(contract, "received_on", wrong), "received_on-ehc_plan-day");
  });

  test("the status line counts what waits apart from what needs attention", () => {
    assert.equal(waitingWords(1, 0), "1 capture waiting to sync");
    assert.equal(waitingWords(0, 2), "0 captures waiting to sync, 2 need attention");
  });
});

group("the user's own edits in conflict", () => {
  const edit = (n, inspection = 7, extra = {}) => ({
    op_id: `op-${n}`, entity: "evidence_item", action: "update", id: `item-${n}`, base_version: 2,
    inspection_id: inspection, data: { text: `Edit ${n}` }, client_time: `2026-12-04T10:0${n}:00Z`, ...extra,
  });

  test("a conflict receipt leaves a note that links to the conflict on its inspection's page", () => {
    const note = conflictNote(edit(1), { op_id: "op-1", status: "conflict", id: "item-1", version: 3 },
      new Date("2026-12-04T11:00:00Z"));
    assert.deepEqual(note, { op_id: "op-1", inspection_id: 7, entity: "evidence_item", id: "item-1",
      action: "update", summary: "Edit 1", version: 3, at: "2026-12-04T11:00:00.000Z" });
    assert.equal(conflictHref(note), "/inspections/7/conflicts#op-op-1");
  });

  test("notes the page no longer lists as open are settled, only for that page's inspection", () => {
    const notes = [conflictNote(edit(1), {}), conflictNote(edit(2), {}), conflictNote(edit(3, 8), {})];
    assert.deepEqual(settled(notes, 7, ["op-2"]), ["op-1"]);
    assert.deepEqual(settled(notes, "7", ["item-1", "item-2"]), []); // a page that lists records in conflict
    assert.deepEqual(settled(notes, 7, []), ["op-1", "op-2"]);
  });

  test("an edit whose record the feed shows at a later version is overtaken; creates and others are not", () => {
    const ops = [edit(1), edit(2), { ...edit(3), action: "create", base_version: null }, edit(4, 8)];
    const records = [
      { entity: "evidence_item", id: "item-1", version: 3, inspection_id: 7 },
      { entity: "evidence_item", id: "item-2", version: 2, inspection_id: 7 },
      { entity: "evidence_item", id: "item-3", version: 5, inspection_id: 7 },
      { entity: "evidence_item", id: "item-4", version: 9, inspection_id: 9 }, // another inspection's record
    ];
    assert.deepEqual(overtaken(ops, records), ["op-1"]);
  });

  test("the status line counts each kind and links to where to act", () => {
    const ops = [edit(1), edit(2, 7, { rejected: ["text: Enter what you saw"] }), edit(3)];
    const notes = [conflictNote(edit(4), {})];
    const parts = statusParts({ ops, notes, stale: ["op-3"], here: 7 });
    assert.deepEqual(parts, [
      { text: "2 captures waiting to sync", href: "#device-outbox" },
      { text: "1 needs attention", href: "#device-outbox" },
      { text: "1 changed by someone else meanwhile", href: "#device-outbox" },
      { text: "1 of your edits is in conflict", href: "/inspections/7/conflicts#op-op-4" },
    ]);
    assert.equal(parts.map((p) => p.text).join(", "), `${waitingWords(2, 1)}, 1 changed by someone else meanwhile, ` +
      "1 of your edits is in conflict");
  });

  test("away from the inspection the links lead to it; nothing to do links nowhere", () => {
    assert.deepEqual(statusParts({ ops: [], here: null }), [{ text: "0 captures waiting to sync", href: null }]);
    const notes = [conflictNote(edit(1), {}), conflictNote(edit(2), {})];
    assert.deepEqual(statusParts({ ops: [edit(3, 8)], notes, here: null }), [
      { text: "1 capture waiting to sync", href: "/inspections/8#device-outbox" },
      { text: "2 of your edits are in conflict", href: "/inspections/7/conflicts" },
    ]);
  });
});
