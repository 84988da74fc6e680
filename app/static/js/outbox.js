// The offline outbox. A capture made with no connection is kept in IndexedDB (one database per user) as a sync
// operation {op_id, entity, action, id, base_version, data, client_time}, shown at once as "saved on this
// device", and sent to POST /api/v1/sync when the network allows. An operation leaves the device only when the
// server's receipt for it arrives; one the server rejects waits under "needs attention" with the reason, and so
// does one the server keeps failing on (found by halving the batch), so the others are never held up behind it.

import { deleteDB, openDB } from "../vendor/idb/idb.js";
import {
  CASE_ANSWERS, DATA_OF, MAX_BATCH, Refused, anchorOf, conflictNote, countRefusal, describe, headingOf, labelsOf, newOp,
  overtaken,
  overtakenWords, reasons, recordData, refusesBatch, replacedBy, sendBatch, sendOrder, setAsideWords, settled,
  statusParts, summaryOf, validate, wire,
} from "./outbox-core.js";

const body = document.body;
const user = document.querySelector('meta[name="sync-user"]')?.content;
const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content;
const MIN_DELAY = 2_000;
const MAX_DELAY = 300_000;
let delay = MIN_DELAY;
let timer = null;
let draining = false;
let again = false; // "Sync now" pressed (or the connection back) during a sync: one more once it ends

// One database per user: "ops" is the outbox; "team" the team's records as the change feed last gave them
// (key "entity:id"); "cursors" how far this device has read each inspection's feed; "conflicts" this user's edits
// the server kept as conflicts, until a page of their inspection no longer lists them as open. One connection per page,
// opened on first use and closed before the database is wiped, or when another tab needs it gone.
const DB_NAME = `sendfw-outbox-${user}`;
let connection = null;
let wiping = false;

function database() {
  // Signing out: the page is leaving, and what it was still doing (a sync, a count to show) waits for that rather
  // than open the database again, which would make it anew, in the user's name, once the wipe has deleted it.
  if (wiping) return new Promise(() => {});
  connection ??= openDB(DB_NAME, 3, {
    upgrade(db) {
      if (!db.objectStoreNames.contains("ops")) db.createObjectStore("ops", { keyPath: "op_id" });
      if (!db.objectStoreNames.contains("team")) db.createObjectStore("team", { keyPath: "key" });
      if (!db.objectStoreNames.contains("cursors")) db.createObjectStore("cursors", { keyPath: "inspection_id" });
      if (!db.objectStoreNames.contains("conflicts")) db.createObjectStore("conflicts", { keyPath: "op_id" });
    },
    blocking() { closeDatabase(); }, // another tab signing out: let its wipe go through
  }).catch((error) => {
    connection = null; // tried again on the next use
    throw error;
  });
  return connection;
}

async function closeDatabase() {
  const open = connection;
  connection = null;
  if (open) (await open).close();
}

const allOps = async () => (await database()).getAll("ops");
const putOp = async (op) => (await database()).put("ops", op);
const deleteOp = async (opId) => (await database()).delete("ops", opId);
const allConflicts = async () => (await database()).getAll("conflicts");

// A page of an inspection says which of its conflicts are still open (the conflicts page: the ops behind them; every
// inspection page: the records in conflict); this device's notes of the others are settled and forgotten.
// Only a page the server drew after the note was made counts: offline, the page may be a copy saved before it.
async function settleConflicts() {
  const open = document.querySelector("[data-open-conflicts]");
  if (!open || !navigator.onLine) return;
  const db = await database();
  const before = (await db.getAll("conflicts")).filter((note) => new Date(note.at) < performance.timeOrigin);
  for (const opId of settled(before, open.dataset.inspectionId, open.dataset.openConflicts.split(" ").filter(Boolean))) {
    await db.delete("conflicts", opId);
  }
}

// Edits waiting here whose record the change feed shows changed by someone else since they were made.
async function overtakenOps(ops) {
  return overtaken(ops, await (await database()).getAll("team"));
}

// "1 capture waiting to sync, 1 of your edits is in conflict": each count a link to where to act.
function showCounts(element, parts) {
  element.replaceChildren(...parts.flatMap(({ text, href }, i) => {
    const part = href ? Object.assign(document.createElement("a"), { className: "govuk-link", href, textContent: text })
      : document.createTextNode(text);
    return i ? [", ", part] : [part];
  }));
}

function setLastSync() {
  localStorage.setItem(`sendfw-last-sync-${user}`, new Date().toISOString());
}

let renders = 0;

async function render() {
  // Renders overlap (a sync ending, an event, a click): only the one started last draws, so a slower earlier one
  // cannot put back a list that has since changed.
  const started = ++renders;
  const ops = await allOps();
  const waiting = ops.filter((op) => !op.rejected);
  const attention = ops.filter((op) => op.rejected);
  const stale = await overtakenOps(ops);
  const status = document.getElementById("sync-status");
  const notes = status ? await allConflicts() : [];
  if (started !== renders) return;
  if (status) {
    const last = localStorage.getItem(`sendfw-last-sync-${user}`);
    status.hidden = false;
    status.querySelector("[data-online]").textContent = navigator.onLine ? "Online" : "Offline";
    const here = document.querySelector("[data-inspection-id]")?.dataset.inspectionId || null;
    showCounts(status.querySelector("[data-waiting]"),
      statusParts({ ops, notes, stale, here }));
    const days = last ? Math.floor((Date.now() - new Date(last)) / 86_400_000) : null;
    status.querySelector("[data-last-sync]").textContent = last
      ? `last synced ${new Date(last).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}` +
        (days >= 1 ? ` (${days} day${days === 1 ? "" : "s"} ago${days >= 2 ? ": connect and sync soon" : ""})` : "")
      : "not synced yet on this device";
    showStorage(status.querySelector("[data-storage]"));
  }
  const panel = document.getElementById("device-outbox");
  if (!panel) return;
  const inspectionId = Number(panel.dataset.inspectionId);
  const mine = (op) => op.inspection_id === inspectionId;
  // Drawn again only when something changed: the page redraws after every sync attempt, and a redraw would
  // take the focus off a button and close a question being answered.
  const shown = JSON.stringify([ops.filter(mine).map((op) => [op.op_id, op.rejected || null, stale.includes(op.op_id)]),
    [...discarding]]);
  if (panel.dataset.shown === shown) return;
  panel.dataset.shown = shown;
  const labels = pageLabels();
  const list = (items, withErrors) => items.filter(mine).map((op) => {
    const li = document.createElement("li");
    li.className = "app-evidence";
    li.dataset.opId = op.op_id;
    const text = document.createElement("p");
    text.className = "govuk-body govuk-!-margin-bottom-1";
    text.textContent = summaryOf(op);
    const meta = document.createElement("p");
    meta.className = "govuk-body-s app-evidence__meta";
    meta.textContent = describe(op);
    li.append(text, meta);
    if (stale.includes(op.op_id)) {
      const warning = document.createElement("p");
      warning.className = "govuk-body-s govuk-!-font-weight-bold";
      warning.dataset.overtaken = "";
      warning.textContent = `This record was ${overtakenWords}.`;
      li.append(warning);
    }
    if (withErrors) {
      // The server's reasons, each on its line, in the form's words where the op kept them.
      const errors = document.createElement("p");
      errors.className = "govuk-error-message";
      reasons({ ...op, labels: op.labels || labels[op.entity] })
        .forEach((reason, i) => errors.append(...(i ? [document.createElement("br")] : []), reason));
      li.append(errors, ...(discarding.has(op.op_id) ? discardQuestion(op) : attentionActions(op)));
    }
    return li;
  });
  const pending = list(waiting, false);
  const stuck = list(attention, true);
  panel.querySelector("[data-pending]").replaceChildren(...pending);
  panel.querySelector("[data-attention]").replaceChildren(...stuck);
  panel.querySelector("[data-attention-block]").hidden = stuck.length === 0;
  panel.hidden = pending.length + stuck.length === 0;
}

// Ops whose "Discard" was pressed and whose confirmation is on screen.
const discarding = new Set();

function button(label, kind, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `govuk-button govuk-button--${kind} govuk-!-margin-bottom-0 govuk-!-margin-right-2`;
  element.textContent = label;
  element.addEventListener("click", onClick);
  return element;
}

async function focusIn(opId, selector) {
  await render();
  document.querySelector(`#device-outbox [data-op-id="${opId}"] ${selector}`)?.focus();
}

function attentionActions(op) {
  const actions = [];
  if (CASE_ANSWERS[op.entity]) {
    // Where to fix it: the case's page, at the form it was made with (save it again there, then discard this).
    const link = document.createElement("a");
    link.className = "govuk-link govuk-!-margin-right-4";
    link.href = `/inspections/${op.inspection_id}/cases/${op.id}#${CASE_ANSWERS[op.entity][1]}`;
    link.textContent = `Go to the case's ${CASE_ANSWERS[op.entity][2]}`;
    link.dataset.fixAt = "";
    actions.push(link);
  }
  if (op.entity === "evidence_item" && op.action !== "delete") {
    actions.push(button("Correct it", "secondary", async () => {
      if (putBack(op)) { await deleteOp(op.op_id); render(); }
    }));
  }
  if (op.refused) {
    // Set aside because the server failed on it, not because of what it holds: after a fix on the server it
    // may go through, so it can be offered again.
    actions.push(button("Send again", "secondary", async () => {
      const { rejected, refused, ...again } = op;
      await putOp(again);
      await render();
      drain(true);
    }));
  }
  actions.push(button("Discard", "warning", () => {
    discarding.add(op.op_id);
    focusIn(op.op_id, "[data-confirm-discard]");
  }));
  return actions;
}

// Discarding deletes the only copy there is, so it is asked twice.
function discardQuestion(op) {
  const question = document.createElement("p");
  question.className = "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2";
  question.textContent = op.entity === "safeguarding_concern"
    ? "Discard this safeguarding concern? It will be deleted from this device and will not reach the lead " +
      "inspector: make sure it is reported another way."
    : "Discard this capture? It will be deleted from this device and will never reach the server.";
  const yes = button("Yes, discard it", "warning", async () => {
    await deleteOp(op.op_id);
    discarding.delete(op.op_id);
    await render();
    const heading = document.getElementById("device-outbox-heading");
    if (heading && !heading.closest("[hidden]")) { heading.tabIndex = -1; heading.focus(); }
  });
  yes.dataset.confirmDiscard = "";
  const no = button("Keep it", "secondary", () => { discarding.delete(op.op_id); focusIn(op.op_id, "button"); });
  return [question, yes, no];
}

// "Correct it": the refused capture goes back into the form, to be fixed and saved again as a new capture.
function putBack(op) {
  const form = document.querySelector("form[data-offline-entity='evidence_item']");
  if (!form) return false;
  const set = (name, value) => {
    form.querySelectorAll(`[name="${name}"]`).forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = Array.isArray(value) ? value.includes(input.value) : String(value) === input.value;
      } else {
        input.value = value ?? "";
      }
    });
  };
  set("text", op.data.text);
  set("heading", headingOf(op.data));
  set("aspect", op.data.aspect);
  set("judgement", op.data.judgement);
  set("strands", op.data.strands || []);
  set("observed_on", op.data.observed_on);
  form.querySelector("input[name=heading]")?.dispatchEvent(new Event("change", { bubbles: true }));
  form.querySelector("[name=text]")?.focus();
  return true;
}

function dataOf(form) {
  const fields = new FormData(form);
  return form.dataset.record ? recordData(JSON.parse(form.dataset.record), fields)
    : DATA_OF[form.dataset.offlineEntity](fields);
}

// The form's contract, embedded by the server beside the form (app/forms_contract.py).
function contractOf(form) {
  const script = form.querySelector("script[data-form-contract]");
  return script ? JSON.parse(script.textContent) : null;
}

// The form's words for each kind of capture this page can make: for ops kept without them (by an earlier
// release of this page, or put in directly).
function pageLabels() {
  const labels = {};
  document.querySelectorAll("form[data-offline-entity]").forEach((form) => {
    const contract = contractOf(form);
    if (contract) labels[contract.entity] = labelsOf(contract);
  });
  return labels;
}

// GOV.UK errors in the form, in the words the server would use: a summary at the top linking to each field,
// and the message above the field. Cleared on the next attempt.
function clearErrors(form) {
  form.querySelectorAll("[data-device-errors], [data-device-error]").forEach((element) => element.remove());
  form.querySelectorAll("[data-device-error-group]").forEach((group) => {
    group.classList.remove("govuk-form-group--error");
    delete group.dataset.deviceErrorGroup;
  });
  form.querySelectorAll(".govuk-input--error[data-device-error-input], .govuk-textarea--error[data-device-error-input]")
    .forEach((input) => {
      input.classList.remove("govuk-input--error", "govuk-textarea--error", "govuk-select--error");
      delete input.dataset.deviceErrorInput;
    });
}

function showErrors(form, contract, data, errors) {
  const list = document.createElement("ul");
  list.className = "govuk-list govuk-error-summary__list";
  for (const [key, message] of Object.entries(errors)) {
    const anchor = anchorOf(contract, key, data);
    const target = anchor ? form.querySelector(`[id="${CSS.escape(anchor)}"]`) : null;
    const item = document.createElement("li");
    const link = document.createElement(target ? "a" : "span");
    if (target) link.href = `#${anchor}`;
    link.textContent = message;
    item.append(link);
    list.append(item);
    const group = target?.closest(".govuk-form-group");
    if (!group || group.querySelector("[data-device-error]")) continue;
    group.classList.add("govuk-form-group--error");
    group.dataset.deviceErrorGroup = "";
    const error = document.createElement("p");
    error.className = "govuk-error-message";
    error.id = `${anchor}-device-error`;
    error.dataset.deviceError = "";
    const hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error:";
    error.append(hidden, ` ${message}`);
    const control = group.querySelector(".govuk-radios, .govuk-checkboxes, .govuk-date-input, .govuk-input__wrapper, " +
      ".govuk-input, .govuk-textarea, .govuk-select");
    (control?.parentElement || group).insertBefore(error, control);
    if (target.matches(".govuk-input, .govuk-textarea, .govuk-select")) {
      target.classList.add(target.matches(".govuk-textarea") ? "govuk-textarea--error"
        : target.matches(".govuk-select") ? "govuk-select--error" : "govuk-input--error");
      target.dataset.deviceErrorInput = "";
    }
    const describedBy = (target.closest("fieldset") || target);
    describedBy.setAttribute("aria-describedby",
      `${describedBy.getAttribute("aria-describedby") || ""} ${error.id}`.trim());
  }
  const summary = document.createElement("div");
  summary.className = "govuk-error-summary";
  summary.dataset.deviceErrors = "";
  summary.tabIndex = -1;
  summary.innerHTML = '<div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2>' +
    '<div class="govuk-error-summary__body"></div></div>';
  summary.querySelector(".govuk-error-summary__body").append(list);
  form.prepend(summary);
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    event.preventDefault();
    const input = form.querySelector(`[id="${CSS.escape(link.getAttribute("href").slice(1))}"]`);
    input?.scrollIntoView({ block: "center" });
    input?.focus({ preventScroll: true });
  });
  summary.focus();
}

async function keepOnDevice(form) {
  // An edit carries the version it was made from, so the server can tell if someone else changed it meanwhile.
  const editing = Boolean(form.dataset.entityId);
  const action = form.dataset.offlineAction || (editing ? "update" : "create");
  const data = action === "delete" ? { summary: form.dataset.summary || "" } : dataOf(form);
  const contract = action === "delete" ? null : contractOf(form);
  if (contract) {
    // Checked as the server will check it: a capture it would refuse is never kept, the form says why instead.
    clearErrors(form);
    const errors = validate(contract, data);
    if (Object.keys(errors).length) {
      showErrors(form, contract, data, errors);
      return;
    }
  }
  if (editing) {
    for (const opId of replacedBy(await allOps(), form.dataset.entityId)) await deleteOp(opId);
  }
  await putOp(newOp({
    entity: form.dataset.offlineEntity, action, entityId: form.dataset.entityId || form.dataset.offlineId,
    baseVersion: form.dataset.baseVersion,
    inspectionId: form.dataset.inspectionId, data, labels: contract ? labelsOf(contract) : undefined,
  }));
  if (!editing) {
    form.reset();
    // Follow-up questions hide again with their radios cleared.
    form.querySelector("input[type=radio]")?.dispatchEvent(new Event("change", { bubbles: true }));
  }
  // A form may say more of what follows (data-offline-saved), in its own status line.
  const status = form.querySelector("#notes-status, [data-offline-status]");
  if (status) {
    status.textContent = form.dataset.offlineSaved || "Saved on this device: it will be sent when there is a connection.";
  }
  await render();
  document.getElementById("device-outbox")?.scrollIntoView({ block: "nearest" });
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-offline-entity]") || navigator.onLine) return;
  event.preventDefault();
  event.stopImmediatePropagation(); // htmx must not try the network either
  keepOnDevice(form);
}, true);

// Online but the request failed on the way (htmx forms): keep the capture rather than lose it.
document.addEventListener("htmx:sendError", (event) => {
  const form = event.detail.elt.closest("form[data-offline-entity]");
  if (form) keepOnDevice(form);
});

// An online autosave moves the record on a version: later offline edits must start from that one.
// (htmx:load fires on the new content; an outerHTML swap's afterSwap fires on the detached old element.)
document.addEventListener("htmx:load", (event) => {
  const status = event.target.id === "notes-status" ? event.target : null;
  const form = status?.closest("form[data-offline-entity]");
  if (form && status.dataset.version) form.dataset.baseVersion = status.dataset.version;
});

const REFUSAL_KEY = `sendfw-refused-${user}`;

// The server's receipts for these ops, or Refused; a network failure or any other answer throws as it is.
async function post(ops) {
  const response = await fetch("/api/v1/sync", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: JSON.stringify({ device_id: deviceId(), ops: ops.map(wire) }),
  });
  if (refusesBatch(response.status)) throw new Refused(response.status);
  if (!response.ok) throw new Error(`sync answered ${response.status}`);
  return (await response.json()).results;
}

// An op leaves the device only on its receipt: applied, duplicate or conflict (the server holds it now). A conflict
// leaves a note behind, so the status line tells its author and links to it.
async function takeReceipts(ops, results) {
  for (const result of results) {
    const op = ops.find((o) => o.op_id === result.op_id);
    if (!op) continue;
    if (result.status === "rejected") {
      await putOp({ ...op, rejected: result.errors });
      continue;
    }
    if (result.status === "conflict") await (await database()).put("conflicts", conflictNote(op, result));
    await deleteOp(op.op_id);
  }
}

// An empty batch tells a server that is failing (down, its database gone: keep everything and wait) from one
// that fails only on some op (find it).
async function serverWorks() {
  try {
    await post([]);
    return true;
  } catch {
    return false;
  }
}

// The page's side of a refused batch (outbox-core.js decides): the refusals are counted across pages (each page
// load starts a new drain), and the op at fault waits under "Needs attention".
const sending = {
  post, takeReceipts, serverWorks,
  refusedBefore(ops) {
    const counted = countRefusal(JSON.parse(localStorage.getItem(REFUSAL_KEY) || "{}"), ops);
    localStorage.setItem(REFUSAL_KEY, JSON.stringify(counted));
    return counted.times;
  },
  setAside: (op, status) => putOp({ ...op, refused: status, rejected: [setAsideWords(status)] }),
};

// force: "Sync now" or the connection just came back; otherwise the change feed is read at most once a minute.
async function drain(force = false) {
  if (!navigator.onLine) return;
  if (draining) {
    // The sync running may have read the feed before what the inspector is waiting for reached the server, and
    // the next one of its own reads it only a minute later: so the press is kept, not dropped.
    again ||= force;
    return;
  }
  draining = true;
  try {
    const ops = sendOrder(await allOps());
    if (ops.length === 0) {
      delay = MIN_DELAY;
      await pullAll(force);
      return;
    }
    await sendBatch(ops, sending);
    localStorage.removeItem(REFUSAL_KEY);
    setLastSync();
    delay = MIN_DELAY;
    if (ops.length === MAX_BATCH) schedule(0);
    else pullAll(true);
  } catch (error) {
    delay = Math.min(delay * 2, MAX_DELAY); // 5xx, 401, offline...: every op still waiting is kept, tried again
    console.info("Sync will be tried again", error.message);
  } finally {
    draining = false;
    await render();
    if (again) {
      again = false;
      drain(true);
    }
  }
}

// The team's evidence on this tablet: read the inspection's change feed from where this device last stopped
// and keep each record as it now is, so pages saved earlier can show what colleagues have captured since.
async function pull(inspectionId) {
  const db = await database();
  const saved = await db.get("cursors", inspectionId);
  let cursor = saved ? saved.cursor : "";
  for (;;) {
    const response = await fetch(`/api/v1/inspections/${inspectionId}/changes?since=${encodeURIComponent(cursor)}`,
      { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const page = await response.json();
    const tx = db.transaction("team", "readwrite");
    for (const change of page.changes) tx.store.put({ ...change, key: `${change.entity}:${change.id}`, inspection_id: inspectionId });
    await tx.done;
    cursor = page.cursor;
    await db.put("cursors", { inspection_id: inspectionId, cursor });
    if (!page.more) return;
  }
}

function inspectionsOnDevice() {
  const ids = new Set(Object.keys(localStorage).filter((key) => key.startsWith(`sendfw-offline-${user}-`))
    .map((key) => Number(key.slice(`sendfw-offline-${user}-`.length))));
  const here = document.querySelector("[data-inspection-id]")?.dataset.inspectionId;
  if (here) ids.add(Number(here));
  return [...ids].filter(Boolean);
}

let lastPull = 0;
const PULL_EVERY = 60_000;

async function pullAll(force = false) {
  if (!navigator.onLine || (!force && Date.now() - lastPull < PULL_EVERY)) return;
  lastPull = Date.now();
  try {
    for (const id of inspectionsOnDevice()) await pull(id);
  } catch (error) {
    console.info("The team's changes will be fetched again", error.message);
  }
  body.dataset.teamPulled = new Date().toISOString(); // when this page last read the change feed
  await renderTeam();
}

// On a board page: the team's evidence for its heading that reached this device after the page was drawn.
async function renderTeam() {
  const section = document.querySelector("[data-team-copy]");
  if (!section) return;
  const inspectionId = Number(section.dataset.inspectionId);
  const heading = Number(section.dataset.heading);
  const cursor = Number(section.dataset.cursor || 0);
  const records = (await (await database()).getAll("team"))
    .filter((r) => r.inspection_id === inspectionId && r.entity === "evidence_item" && !r.deleted &&
      Number(headingOf(r.data)) === heading && r.seq > cursor)
    .sort((a, b) => b.seq - a.seq);
  const items = records.map((record) => {
    const li = document.createElement("li");
    li.className = `app-evidence app-evidence--${record.data.judgement}`;
    li.dataset.teamItem = record.id;
    const text = document.createElement("p");
    text.className = "govuk-body govuk-!-margin-bottom-1";
    text.textContent = record.data.text;
    const meta = document.createElement("p");
    meta.className = "govuk-body-s app-evidence__meta";
    meta.textContent = `${String(record.data.judgement).replaceAll("_", " ")} · ${String(record.data.aspect).replaceAll("_", " ")}` +
      ` · version ${record.version} · on this device, not yet on this page`;
    li.append(text, meta);
    return li;
  });
  section.querySelector("[data-team-items]").replaceChildren(...items);
  section.hidden = items.length === 0;
}

function schedule(after = delay) {
  clearTimeout(timer);
  timer = setTimeout(async () => { await drain(); schedule(); }, after);
}

function deviceId() {
  let id = localStorage.getItem("sendfw-device");
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem("sendfw-device", id);
  }
  return id;
}

// Storage: how much this device holds, and whether the browser promised to keep it.
async function showStorage(element) {
  if (!element || !navigator.storage?.estimate) return;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const kept = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  const megabytes = (usage / 1_048_576).toFixed(1);
  const nearlyFull = quota && usage / quota > 0.8;
  element.textContent = `${megabytes} MB stored` + (kept
    ? ", kept until you sign out"
    : ": the browser may clear it if space runs low, so sync before leaving signal") + (nearlyFull ? " (storage nearly full)" : "");
}

const PAGES_AT_ONCE = 3;
const WORKER_WAIT = 60_000;

function workerReady(timeout) {
  return Promise.race([navigator.serviceWorker.ready.then(() => true),
    new Promise((resolve) => { setTimeout(() => resolve(false), timeout); })]);
}

// "Make this inspection available offline": save every page of it on the device, with progress, and keep them
// fresh while online (at most hourly).
async function saveForOffline(box, quiet) {
  const progress = box.querySelector("[data-offline-progress]");
  // Never silent: pressed with no connection, or when the server cannot be reached, the page says so.
  const cannot = (why) => { if (!quiet) progress.textContent = `${why} Nothing new was saved for offline use: ` +
    "connect to the internet, then select \u2018Make this inspection available offline\u2019 again."; };
  if (!navigator.onLine) return cannot("You are offline.");
  if (navigator.storage?.persist) await navigator.storage.persist();
  // Saved pages are served offline by the service worker: on a new device it may still be installing (the app
  // shell) when the button is pressed, so the device is ready only once it is.
  if (!quiet && !navigator.serviceWorker.controller) progress.textContent = "Preparing this device to work offline\u2026";
  if (!await workerReady(WORKER_WAIT)) return cannot("This device could not be prepared to work offline.");
  // A worker in charge of this page keeps what the page fetches; one that took charge after the page started
  // loading may never be, and then the page keeps its pages itself.
  const keepHere = !navigator.serviceWorker.controller;
  const pagesCache = await caches.open("sendfw-pages");
  let pages;
  try {
    const listed = await fetch(box.dataset.offlineSave, { credentials: "same-origin" });
    if (!listed.ok) throw new Error(`answered ${listed.status}`);
    ({ pages } = await listed.json());
  } catch {
    return cannot("The server could not be reached.");
  }
  let done = 0, failed = 0;
  const waiting = [...pages];
  const fetchEach = async () => {
    for (let url = waiting.shift(); url; url = waiting.shift()) {
      // The service worker keeps a copy of every page fetched as HTML (this page does, where it is not in charge).
      await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then((response) => {
          if (!response.ok) failed += 1;
          // As the worker does: "no-store" pages are never kept on the device.
          else if (keepHere && !(response.headers.get("Cache-Control") || "").includes("no-store")) {
            return pagesCache.put(url, response);
          }
          return undefined;
        }).catch(() => { failed += 1; });
      done += 1;
      if (!quiet) progress.textContent = `Saving pages for offline use: ${done} of ${pages.length}`;
    }
  };
  // A few at a time, so the server draws the next page while the device stores the last (a week's 140 pages).
  await Promise.all(Array.from({ length: PAGES_AT_ONCE }, fetchEach));
  if (failed) return cannot(`${failed} of ${pages.length} pages could not be fetched.`);
  localStorage.setItem(`sendfw-offline-${user}-${box.dataset.inspectionId}`, new Date().toISOString());
  progress.textContent = `Available offline: ${pages.length} pages saved on this device ` +
    `${new Date().toLocaleTimeString("en-GB", { timeStyle: "short" })}.`;
  render();
}

function offlineSaving() {
  const box = document.querySelector("[data-offline-save]");
  if (!box || !("serviceWorker" in navigator)) return;
  box.hidden = false;
  box.querySelector("[data-save-offline]").addEventListener("click", () => saveForOffline(box, false));
  const saved = localStorage.getItem(`sendfw-offline-${user}-${box.dataset.inspectionId}`);
  if (saved) {
    box.querySelector("[data-offline-progress]").textContent =
      `Available offline since ${new Date(saved).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}.`;
    if (navigator.onLine && Date.now() - new Date(saved) > 3_600_000) {
      navigator.serviceWorker.ready.then(() => saveForOffline(box, true));
    }
  }
}

// Signing out: refused while captures wait on this device, unless the user says to discard them; then this
// user's outbox, saved pages and sync records are wiped from the device.
async function wipeDevice() {
  // This page's own connection first, or the deletion would wait on it; another tab's closes when asked
  // (blocking, above). Past a tab that does not, the deletion goes through once it closes.
  wiping = true;
  clearTimeout(timer);
  await closeDatabase();
  await new Promise((resolve) => { deleteDB(DB_NAME, { blocked: resolve }).then(resolve, resolve); });
  Object.keys(localStorage).filter((key) => key.startsWith(`sendfw-offline-${user}-`) || key === `sendfw-last-sync-${user}` || key === REFUSAL_KEY)
    .forEach((key) => localStorage.removeItem(key));
  if ("caches" in window) await caches.delete("sendfw-pages");
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("form[action='/logout']") || !user) return;
  event.preventDefault();
  const waiting = (await allOps()).length;
  const warning = document.getElementById("signout-warning");
  if (waiting > 0 && !form.dataset.discard) {
    warning.querySelector("[data-count]").textContent =
      `${waiting} capture${waiting === 1 ? " has" : "s have"} not reached the server yet.`;
    warning.hidden = false;
    warning.focus();
    return;
  }
  await wipeDevice();
  form.submit();
}, true);

document.addEventListener("click", (event) => {
  const discard = event.target.closest("[data-discard-and-sign-out]");
  if (!discard) return;
  const form = document.querySelector("form[action='/logout']");
  form.dataset.discard = "yes";
  form.requestSubmit();
});

// Another person signing in on this device starts with nothing of the last person's saved pages.
async function claimDevice() {
  const last = localStorage.getItem("sendfw-device-user");
  if (last && last !== user && "caches" in window) await caches.delete("sendfw-pages");
  localStorage.setItem("sendfw-device-user", user);
}

if (user) {
  claimDevice();
  offlineSaving();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
  window.addEventListener("online", () => { render(); drain(true); });
  window.addEventListener("offline", render);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-sync-now]")) drain(true);
  });
  settleConflicts().catch(() => {}).then(render).then(renderTeam).then(drain);
  schedule();
}
body.dataset.outboxReady = "yes";

// For the browser tests: an op put straight into the outbox, as a corrupted capture would sit there.
export { allOps, putOp, render };
