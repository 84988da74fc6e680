// The offline outbox. A capture made with no connection is kept in IndexedDB (one database per user) as a sync
// operation {op_id, entity, action, id, base_version, data, client_time}, shown at once as "saved on this
// device", and sent to POST /api/v1/sync when the network allows. An operation leaves the device only when the
// server's receipt for it arrives; one the server rejects waits under "needs attention" with the reason, and so
// does one the server keeps failing on (found by halving the batch), so the others are never held up behind it.

const body = document.body;
const user = document.querySelector('meta[name="sync-user"]')?.content;
const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content;
const MIN_DELAY = 2_000;
const MAX_DELAY = 300_000;
let delay = MIN_DELAY;
let timer = null;
let draining = false;

// One database per user: "ops" is the outbox; "team" the team's records as the change feed last gave them
// (key "entity:id"); "cursors" how far this device has read each inspection's feed.
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(`sendfw-outbox-${user}`, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("ops")) db.createObjectStore("ops", { keyPath: "op_id" });
      if (!db.objectStoreNames.contains("team")) db.createObjectStore("team", { keyPath: "key" });
      if (!db.objectStoreNames.contains("cursors")) db.createObjectStore("cursors", { keyPath: "inspection_id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(mode, work, name = "ops") {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const result = work(tx.objectStore(name));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}

const allOps = () => store("readonly", (s) => s.getAll());
const putOp = (op) => store("readwrite", (s) => s.put(op));
const deleteOp = (opId) => store("readwrite", (s) => s.delete(opId));

function setLastSync() {
  localStorage.setItem(`sendfw-last-sync-${user}`, new Date().toISOString());
}

async function render() {
  const ops = await allOps();
  const waiting = ops.filter((op) => !op.rejected);
  const attention = ops.filter((op) => op.rejected);
  const status = document.getElementById("sync-status");
  if (status) {
    const last = localStorage.getItem(`sendfw-last-sync-${user}`);
    status.hidden = false;
    status.querySelector("[data-online]").textContent = navigator.onLine ? "Online" : "Offline";
    // What the server refused is not waiting: it is counted apart, so the line never promises it will sync.
    status.querySelector("[data-waiting]").textContent =
      `${waiting.length} capture${waiting.length === 1 ? "" : "s"} waiting to sync` +
      (attention.length ? `, ${attention.length} need${attention.length === 1 ? "s" : ""} attention` : "");
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
  const shown = JSON.stringify([ops.filter(mine).map((op) => [op.op_id, op.rejected || null]), [...discarding]]);
  if (panel.dataset.shown === shown) return;
  panel.dataset.shown = shown;
  const list = (items, withErrors) => items.filter(mine).map((op) => {
    const li = document.createElement("li");
    li.className = "app-evidence";
    li.dataset.opId = op.op_id;
    const text = document.createElement("p");
    text.className = "govuk-body govuk-!-margin-bottom-1";
    text.textContent = summaryOf(op);
    const meta = document.createElement("p");
    meta.className = "govuk-body-s app-evidence__meta";
    const what = op.action === "delete" ? `${op.entity.replaceAll("_", " ")} to delete`
      : op.entity === "evidence_item" ? `Proposal ${op.data.proposal}, ${String(op.data.judgement).replaceAll("_", " ")}`
        : op.entity.replaceAll("_", " ");
    meta.textContent = `${what} · ${op.action === "update" ? "edit " : op.action === "delete" ? "deletion " : ""}saved on this device`;
    li.append(text, meta);
    if (withErrors) {
      const errors = document.createElement("p");
      errors.className = "govuk-error-message";
      errors.textContent = op.rejected.join("; ");
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
  set("proposal", op.data.proposal);
  set("aspect", op.data.aspect);
  set("judgement", op.data.judgement);
  set("strands", op.data.strands || []);
  form.querySelector("input[name=proposal]")?.dispatchEvent(new Event("change", { bubbles: true }));
  form.querySelector("[name=text]")?.focus();
  return true;
}

function evidenceData(form) {
  const fields = new FormData(form);
  const data = {
    text: fields.get("text") || "",
    proposal: Number(fields.get("proposal")) || fields.get("proposal") || null,
    aspect: fields.get("aspect") || "",
    judgement: fields.get("judgement") || "",
    strands: fields.getAll("strands"),
  };
  const kind = fields.get("source_kind");
  if (fields.get("fixed_source") === "yes") {
    data.source_id = fields.get("source_id");
    data.source_type = fields.get("source_type");
  } else if (kind === "activity") {
    data.source_id = fields.get("source_activity") || "";
    data.source_type = data.source_id ? "" : "activity";
  } else if (kind === "file_review") {
    data.source_id = fields.get("source_file") || "";
    data.source_type = "file_review";
  } else if (kind === "document") {
    data.source_type = "document";
    data.source_label = fields.get("source_label") || "";
  }
  return data;
}

function isoDate(fields, name) {
  const [day, month, year] = ["day", "month", "year"].map((part) => (fields.get(`${name}-${part}`) || "").trim());
  if (!day && !month && !year) return "";
  return `${year.padStart(4, "0")}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}

function activityData(form) {
  const fields = new FormData(form);
  const roles = fields.getAll("attendee_roles[]");
  const organisations = fields.getAll("attendee_organisations[]");
  return {
    kind: fields.get("kind") || "", meeting_with: fields.get("meeting_with") || "",
    setting_id: fields.get("setting_id") || "", title: fields.get("title") || "", day: fields.get("day") || "",
    start_time: fields.get("start_time") || "", inspector_ids: fields.getAll("inspector_ids").map(Number),
    attendees: roles.map((role, i) => ({ role, organisation: organisations[i] || "" })).filter((a) => a.role || a.organisation),
    notes: fields.get("notes") || "",
  };
}

function fileReviewData(form) {
  const fields = new FormData(form);
  const data = { ratings: {} };
  for (const name of ["case_reference", "age_band", "setting_type", "sen_status", "primary_need", "attendance_percent",
    "health_contributed", "social_care_contributed", "notes", "activity_id"]) {
    data[name] = fields.get(name) || "";
  }
  for (const name of ["concern_raised_on", "assessment_requested_on", "plan_issued_on"]) data[name] = isoDate(fields, name);
  for (const [key, value] of fields.entries()) {
    if (key.startsWith("rating-") && value) {
      const code = key.slice("rating-".length);
      data.ratings[code] = { rating: value, comment: fields.get(`comment-${code}`) || "" };
    }
  }
  return data;
}

// A safeguarding concern: the form's fields as they are, and when the inspector met it (the deadline runs from then).
function concernData(form) {
  const fields = new FormData(form);
  const part = (p) => String(fields.get(`reported_on-${p}`) || "").trim();
  const reportedOn = part("year") && part("month") && part("day")
    ? `${part("year")}-${part("month").padStart(2, "0")}-${part("day").padStart(2, "0")}` : "";
  const data = { reported_on: reportedOn, met_at: new Date().toISOString() };
  for (const name of ["category", "setting_id", "setting_name", "what_happened", "reported_to", "reported_time",
    "referral_reference"]) data[name] = String(fields.get(name) || "");
  return data;
}

const DATA_OF = { evidence_item: evidenceData, activity: activityData, file_review: fileReviewData,
  safeguarding_concern: concernData };

// A form that edits part of a record (an activity's notes) carries the whole record; the op sends it whole.
function dataOf(form) {
  if (form.dataset.record) {
    const fields = new FormData(form);
    const record = JSON.parse(form.dataset.record);
    for (const key of Object.keys(record)) if (fields.has(key)) record[key] = fields.get(key);
    return record;
  }
  return DATA_OF[form.dataset.offlineEntity](form);
}

function summaryOf(op) {
  if (op.action === "delete") return op.data.summary || "A record";
  if (op.entity === "activity") return op.data.title || `${String(op.data.kind).replaceAll("_", " ")} on ${op.data.day}`;
  if (op.entity === "file_review") return `Case file ${op.data.case_reference}`;
  // Never the concern's text: the outbox list is on screen wherever the tablet is.
  if (op.entity === "safeguarding_concern") {
    return op.rejected ? "Safeguarding concern" : "Safeguarding concern (sent before anything else)";
  }
  return op.data.text;
}

async function keepOnDevice(form) {
  // An edit carries the version it was made from, so the server can tell if someone else changed it meanwhile.
  const editing = Boolean(form.dataset.entityId);
  const action = form.dataset.offlineAction || (editing ? "update" : "create");
  if (editing) {
    // Typing on after a save makes a newer edit of the same version: it replaces the one not yet sent; a
    // deletion replaces any edit not yet sent.
    for (const op of await allOps()) {
      if (op.id === form.dataset.entityId && op.action === "update" && !op.rejected) await deleteOp(op.op_id);
    }
  }
  await putOp({
    op_id: crypto.randomUUID(), entity: form.dataset.offlineEntity, action,
    id: form.dataset.entityId || crypto.randomUUID(), base_version: editing ? Number(form.dataset.baseVersion) : null,
    inspection_id: Number(form.dataset.inspectionId),
    data: action === "delete" ? { summary: form.dataset.summary || "" } : dataOf(form),
    client_time: new Date().toISOString(),
  });
  if (!editing) {
    form.reset();
    // Follow-up questions hide again with their radios cleared.
    form.querySelector("input[type=radio]")?.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const status = form.querySelector("#notes-status");
  if (status) status.textContent = "Saved on this device: it will be sent when there is a connection.";
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

// A batch refused as a whole (the server failed, or found the request itself unreadable or too large) is tried
// again once after the backoff; refused a second time, the op at fault is found by halving it (isolate below).
// 401, 403 and the like say nothing about the ops: those, and a lost connection, are only tried again later.
const REFUSED_BATCH = (status) => status >= 500 || [400, 413, 422].includes(status);
const REFUSAL_KEY = `sendfw-refused-${user}`;

class Refused extends Error {
  constructor(status) {
    super(`sync answered ${status}`);
    this.status = status;
  }
}

// The server's receipts for these ops, or Refused; a network failure or any other answer throws as it is.
async function post(ops) {
  const response = await fetch("/api/v1/sync", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: JSON.stringify({ device_id: deviceId(), ops: ops.map(({ rejected, refused, ...op }) => op) }),
  });
  if (REFUSED_BATCH(response.status)) throw new Refused(response.status);
  if (!response.ok) throw new Error(`sync answered ${response.status}`);
  return (await response.json()).results;
}

// An op leaves the device only on its receipt: applied, duplicate or conflict (the server holds it now).
async function takeReceipts(ops, results) {
  for (const result of results) {
    const op = ops.find((o) => o.op_id === result.op_id);
    if (!op) continue;
    if (result.status === "rejected") await putOp({ ...op, rejected: result.errors });
    else await deleteOp(op.op_id);
  }
}

// How many times in a row this same batch was refused, kept across pages (each page load starts a new drain).
function refusedBefore(ops) {
  const batch = `${ops.length}:${ops[0].op_id}:${ops.at(-1).op_id}`;
  const saved = JSON.parse(localStorage.getItem(REFUSAL_KEY) || "{}");
  const times = saved.batch === batch ? saved.times + 1 : 1;
  localStorage.setItem(REFUSAL_KEY, JSON.stringify({ batch, times }));
  return times;
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

// Halving: each half is sent alone, in order (concerns stay first), and a refused half is halved again, until
// the single op the server fails on is found. It waits under "needs attention"; every other op lands. For one
// bad op among n that is about 2·log2(n) requests, plus an empty one to check the server before it is set aside.
async function isolate(ops, status) {
  if (ops.length === 1) {
    if (!(await serverWorks())) throw new Refused(status); // an outage after all: nothing is set aside
    await putOp({
      ...ops[0], refused: status,
      rejected: [`The server could not accept this capture (error ${status}). It is kept on this device: ` +
        "check its text, edit or discard it."],
    });
    return;
  }
  const middle = Math.ceil(ops.length / 2);
  for (const half of [ops.slice(0, middle), ops.slice(middle)]) {
    try {
      await takeReceipts(half, await post(half));
    } catch (error) {
      if (!(error instanceof Refused)) throw error; // offline or signed out midway: the rest waits, as it is
      await isolate(half, error.status);
    }
  }
}

// force: "Sync now" or the connection just came back; otherwise the change feed is read at most once a minute.
async function drain(force = false) {
  if (draining || !navigator.onLine) return;
  draining = true;
  try {
    // Safeguarding concerns go first, in the first batch (the server applies them first too); then the rest in
    // the order they were captured (the store returns them by op_id, which is random).
    const concernFirst = (op) => (op.entity === "safeguarding_concern" ? 0 : 1);
    const ops = (await allOps()).filter((op) => !op.rejected)
      .sort((a, b) => concernFirst(a) - concernFirst(b) || String(a.client_time).localeCompare(b.client_time)).slice(0, 500);
    if (ops.length === 0) {
      delay = MIN_DELAY;
      await pullAll(force);
      return;
    }
    try {
      await takeReceipts(ops, await post(ops));
    } catch (error) {
      // Refused twice in a row, by a server that answers otherwise: the batch is not sent whole again.
      if (!(error instanceof Refused) || refusedBefore(ops) < 2 || !(await serverWorks())) throw error;
      await isolate(ops, error.status);
    }
    localStorage.removeItem(REFUSAL_KEY);
    setLastSync();
    delay = MIN_DELAY;
    if (ops.length === 500) schedule(0);
    else pullAll(true);
  } catch (error) {
    delay = Math.min(delay * 2, MAX_DELAY); // 5xx, 401, offline...: every op still waiting is kept, tried again
    console.info("Sync will be tried again", error.message);
  } finally {
    draining = false;
    await render();
  }
}

// The team's evidence on this tablet: read the inspection's change feed from where this device last stopped
// and keep each record as it now is, so pages saved earlier can show what colleagues have captured since.
async function pull(inspectionId) {
  const saved = await store("readonly", (s) => s.get(inspectionId), "cursors");
  let cursor = saved ? saved.cursor : "";
  for (;;) {
    const response = await fetch(`/api/v1/inspections/${inspectionId}/changes?since=${encodeURIComponent(cursor)}`,
      { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const page = await response.json();
    await store("readwrite", (s) => {
      for (const change of page.changes) {
        s.put({ ...change, key: `${change.entity}:${change.id}`, inspection_id: inspectionId });
      }
    }, "team");
    cursor = page.cursor;
    await store("readwrite", (s) => s.put({ inspection_id: inspectionId, cursor }), "cursors");
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

// On a board page: the team's evidence for its proposal that reached this device after the page was drawn.
async function renderTeam() {
  const section = document.querySelector("[data-team-copy]");
  if (!section) return;
  const inspectionId = Number(section.dataset.inspectionId);
  const proposal = Number(section.dataset.proposal);
  const cursor = Number(section.dataset.cursor || 0);
  const records = (await store("readonly", (s) => s.getAll(), "team"))
    .filter((r) => r.inspection_id === inspectionId && r.entity === "evidence_item" && !r.deleted &&
      Number(r.data.proposal) === proposal && r.seq > cursor)
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

// "Make this inspection available offline": save every page of it on the device, with progress, and keep them
// fresh while online (at most hourly).
async function saveForOffline(box, quiet) {
  const progress = box.querySelector("[data-offline-progress]");
  if (navigator.storage?.persist) await navigator.storage.persist();
  const { pages } = await (await fetch(box.dataset.offlineSave, { credentials: "same-origin" })).json();
  let done = 0;
  for (const url of pages) {
    // The service worker keeps a copy of every page fetched as HTML.
    await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } }).catch(() => {});
    done += 1;
    if (!quiet) progress.textContent = `Saving pages for offline use: ${done} of ${pages.length}`;
  }
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
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(`sendfw-outbox-${user}`);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
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
  render().then(renderTeam).then(drain);
  schedule();
}
body.dataset.outboxReady = "yes";

// For the browser tests: an op put straight into the outbox, as a corrupted capture would sit there.
export { putOp, render };
