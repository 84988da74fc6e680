// The outbox's rules, with no page and no storage: the op a form's fields make, the edit a newer one replaces,
// whether a capture meets its form's contract (the description the server checks with, embedded in the page),
// the order ops are sent in, and what to do when the server refuses a batch. outbox.js is the page around it;
// tests/js/ runs these with node's test runner.

export const MAX_BATCH = 500;

// --- A form's fields to an op's data (fields: a FormData, or anything with get, getAll, has and entries) ------

const text = (fields, name) => String(fields.get(name) || "");

// The capture page's "Where did this come from?" answer to the source fields, as the server reads the posted
// form (evidence/contract.py source_fields): an activity's type is found from its id.
export function evidenceData(fields) {
  const data = {
    text: text(fields, "text"),
    heading: Number(fields.get("heading")) || fields.get("heading") || null,
    aspect: text(fields, "aspect"),
    judgement: text(fields, "judgement"),
    strands: fields.getAll("strands"),
    // Empty: the server files it under its source's day, otherwise the day on site it was captured.
    observed_on: text(fields, "observed_on"),
  };
  const kind = fields.get("source_kind");
  if (fields.get("fixed_source") === "yes") {
    data.source_id = fields.get("source_id");
    data.source_type = fields.get("source_type");
  } else if (kind === "activity") {
    data.source_id = text(fields, "source_activity");
    data.source_type = data.source_id ? "" : "activity";
  } else if (kind === "file_review") {
    data.source_id = text(fields, "source_file");
    data.source_type = "file_review";
  } else if (kind === "document") {
    data.source_type = "document";
    data.source_label = text(fields, "source_label");
  }
  return data;
}

// A GOV.UK date input's boxes as an ISO date, "" when all are empty (an impossible one stays impossible).
export function isoDate(fields, name) {
  const [day, month, year] = ["day", "month", "year"].map((part) => text(fields, `${name}-${part}`).trim());
  if (!day && !month && !year) return "";
  return `${year.padStart(4, "0")}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}

export function activityData(fields) {
  const roles = fields.getAll("attendee_roles[]");
  const organisations = fields.getAll("attendee_organisations[]");
  return {
    kind: text(fields, "kind"), meeting_with: text(fields, "meeting_with"), setting_id: text(fields, "setting_id"),
    title: text(fields, "title"), day: text(fields, "day"), start_time: text(fields, "start_time"),
    inspector_ids: fields.getAll("inspector_ids").map(Number),
    attendees: roles.map((role, i) => ({ role, organisation: organisations[i] || "" })).filter((a) => a.role || a.organisation),
    notes: text(fields, "notes"),
  };
}

export function fileReviewData(fields) {
  const data = { ratings: {} };
  for (const name of ["case_reference", "age_band", "setting_type", "sen_status", "primary_need", "attendance_percent",
    "health_contributed", "social_care_contributed", "notes", "activity_id"]) {
    data[name] = text(fields, name);
  }
  for (const name of ["concern_raised_on", "assessment_requested_on", "plan_issued_on"]) data[name] = isoDate(fields, name);
  for (const [key, value] of fields.entries()) {
    if (key.startsWith("rating-") && value) {
      const code = key.slice("rating-".length);
      data.ratings[code] = { rating: value, comment: text(fields, `comment-${code}`) };
    }
  }
  return data;
}

// A safeguarding concern: the form's fields as they are, and when the inspector met it (the deadline runs from then).
export function concernData(fields, now = new Date()) {
  const part = (p) => text(fields, `reported_on-${p}`).trim();
  const reportedOn = part("year") && part("month") && part("day")
    ? `${part("year")}-${part("month").padStart(2, "0")}-${part("day").padStart(2, "0")}` : "";
  const data = { reported_on: reportedOn, met_at: now.toISOString() };
  for (const name of ["category", "setting_id", "setting_name", "what_happened", "reported_to", "reported_time",
    "referral_reference"]) data[name] = text(fields, name);
  return data;
}

// A tracked case's consent, conversation and tracking meeting (the op's id is the case's).
export function caseConsentData(fields) {
  return { consent: text(fields, "consent"), consent_from: text(fields, "consent_from"),
    consent_recorded_on: isoDate(fields, "consent_recorded_on") };
}

export function caseConversationData(fields) {
  return { conversation_with: text(fields, "conversation_with"), conversation_way: text(fields, "conversation_way"),
    conversation_on: isoDate(fields, "conversation_on") };
}

export function caseMeetingData(fields) {
  return { meeting_services: fields.getAll("meeting_services"), meeting_on: isoDate(fields, "meeting_on") };
}

// Documents asked for on a tracked case, and one of them received: named by its code, never by a server's id, so
// that a document asked for offline can be marked received offline too.
export function caseDocumentRequestData(fields) {
  return { documents: fields.getAll("documents"), requested_on: isoDate(fields, "requested_on") };
}

export function caseDocumentReceivedData(fields) {
  return { document: text(fields, "document"), received_on: isoDate(fields, "received_on") };
}

export const DATA_OF = { evidence_item: evidenceData, activity: activityData, file_review: fileReviewData,
  safeguarding_concern: concernData, case_consent: caseConsentData, case_conversation: caseConversationData,
  case_meeting: caseMeetingData, case_document_request: caseDocumentRequestData,
  case_document_received: caseDocumentReceivedData };

// What each answer on a tracked case is called on the device, where on the case's page it is made, and that place
// in the words of a link to it ("Go to the case's documents").
export const CASE_ANSWERS = { case_consent: ["Consent", "case-consent", "consent"],
  case_document_request: ["Documents asked for", "case-documents", "documents"],
  case_document_received: ["Document received", "case-documents", "documents"],
  case_conversation: ["Conversation with the child or family", "case-conversation",
    "conversation with the child or family"],
  case_meeting: ["Multi-agency tracking meeting", "case-meeting", "multi-agency tracking meeting"] };

// A form that edits part of a record (an activity's notes) carries the whole record; the op sends it whole.
export function recordData(record, fields) {
  const out = { ...record };
  for (const key of Object.keys(out)) if (fields.has(key)) out[key] = fields.get(key);
  return out;
}

// --- Ops ------------------------------------------------------------------------------------------------------

// labels: the form's words for its fields, kept with the op so that "Needs attention" can speak them.
export function newOp({ entity, action, entityId, baseVersion, inspectionId, data, labels, now = new Date(),
  uuid = () => crypto.randomUUID() }) {
  const op = {
    op_id: uuid(), entity, action, id: entityId || uuid(),
    // An answer on a tracked case names the case but is no edit of it: it carries no version.
    base_version: entityId && baseVersion !== undefined ? Number(baseVersion) : null,
    inspection_id: Number(inspectionId), data, client_time: now.toISOString(),
  };
  if (labels) op.labels = labels;
  return op;
}

// Typing on after a save makes a newer edit of the same version: it replaces the one not yet sent; a deletion
// replaces any edit not yet sent. These are the ops it replaces.
export function replacedBy(ops, entityId) {
  return ops.filter((op) => op.id === entityId && op.action === "update" && !op.rejected).map((op) => op.op_id);
}

// What the server is sent: the op without what only this device keeps about it.
export function wire(op) {
  const { rejected, refused, labels, ...sent } = op;
  return sent;
}

// Safeguarding concerns go first, in the first batch (the server applies them first too); then the rest in the
// order they were captured (the store returns them by op_id, which is random). Ops set aside wait for a person.
export function sendOrder(ops) {
  const concernFirst = (op) => (op.entity === "safeguarding_concern" ? 0 : 1);
  return ops.filter((op) => !op.rejected)
    .sort((a, b) => concernFirst(a) - concernFirst(b) || String(a.client_time).localeCompare(b.client_time))
    .slice(0, MAX_BATCH);
}

// --- A batch the server refuses --------------------------------------------------------------------------------

// Refused as a whole (the server failed, or found the request itself unreadable or too large): tried again once
// after the backoff; refused a second time, the op at fault is found by halving it (isolate below). 401, 403 and
// the like say nothing about the ops: those, and a lost connection, are only tried again later.
export const refusesBatch = (status) => status >= 500 || [400, 413, 422].includes(status);

export class Refused extends Error {
  constructor(status) {
    super(`sync answered ${status}`);
    this.status = status;
  }
}

// How many times in a row this same batch was refused, from what was saved after the last refusal.
export function countRefusal(saved, ops) {
  const batch = `${ops.length}:${ops[0].op_id}:${ops.at(-1).op_id}`;
  return { batch, times: saved && saved.batch === batch ? saved.times + 1 : 1 };
}

export function setAsideWords(status) {
  return `The server could not accept this capture (error ${status}). It is kept on this device: ` +
    "check its text, edit or discard it.";
}

// Halving: each half is sent alone, in order (concerns stay first), and a refused half is halved again, until the
// single op the server fails on is found. It is set aside; every other op lands. For one bad op among n that is
// about 2·log2(n) requests, plus an empty one to check the server before it is set aside.
// io: post(ops) -> receipts (throws Refused, or anything else for a lost connection), takeReceipts(ops,
// receipts), serverWorks() -> whether an empty batch goes through, setAside(op, status).
export async function isolate(ops, status, io) {
  if (ops.length === 1) {
    if (!(await io.serverWorks())) throw new Refused(status); // an outage after all: nothing is set aside
    await io.setAside(ops[0], status);
    return;
  }
  const middle = Math.ceil(ops.length / 2);
  for (const half of [ops.slice(0, middle), ops.slice(middle)]) {
    try {
      await io.takeReceipts(half, await io.post(half));
    } catch (error) {
      if (!(error instanceof Refused)) throw error; // offline or signed out midway: the rest waits, as it is
      await isolate(half, error.status, io);
    }
  }
}

// One batch: sent whole; refused twice in a row by a server that answers otherwise (an empty batch goes through,
// so the server is not simply down), it is not sent whole again but halved. io as isolate's, and
// refusedBefore(ops) -> how many times in a row this batch has now been refused.
export async function sendBatch(ops, io) {
  try {
    await io.takeReceipts(ops, await io.post(ops));
  } catch (error) {
    if (!(error instanceof Refused) || (await io.refusedBefore(ops)) < 2 || !(await io.serverWorks())) throw error;
    await isolate(ops, error.status, io);
  }
}

// --- A capture against its form's contract (app/forms_contract.py reads the same description) -------------------

const isEmpty = (value) => value === null || value === undefined ||
  (Array.isArray(value) ? value.length === 0 : typeof value === "object" ? Object.keys(value).length === 0
    : String(value).trim() === "");

const holds = (condition, values) => !condition ||
  Object.entries(condition).every(([name, allowed]) => allowed.includes(String(values[name] || "").trim()));

const values = (choices) => new Set((choices || []).map((c) => c.value));

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumber(value) {
  const raw = String(value).trim().replace(/%+$/, "").trim();
  if (!NUMBER.test(raw)) return null;
  const number = Number(raw);
  return Number.isFinite(number) ? number : null;
}

// An ISO date that is a real day, or null.
export function parseDate(value) {
  const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value || "").trim());
  if (!found) return null;
  const [year, month, day] = found.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return found[0];
}

const localIso = (when) => [when.getFullYear(), String(when.getMonth() + 1).padStart(2, "0"),
  String(when.getDate()).padStart(2, "0")].join("-");

// The {value} of a message: the other field's value ({value!r}: quoted, as the server writes it).
const fill = (message, value) => String(message || "").replace("{value!r}", `'${value}'`).replace("{value}", value);

function problem(field, value, data, today) {
  if (field.kind === "choices") {
    const allowed = values(field.choices);
    return field.choices && !value.every((v) => allowed.has(String(v))) ? field.invalid || field.required : null;
  }
  const raw = String(value).trim();
  if (field.limit != null && [...raw].length > field.limit) return field.too_long;
  for (const { pattern, message } of field.refuse || []) if (new RegExp(pattern).test(raw)) return message;
  if (field.choices && !values(field.choices).has(raw)) return field.invalid || field.required;
  if (field.choices_by) {
    const groups = field.choices_by.choices;
    const group = String(data[field.choices_by.field] || "").trim();
    if (!Object.values(groups).some((g) => values(g).has(raw))) return field.invalid || field.required;
    if (!values(groups[group]).has(raw)) return fill(field.other_group || field.invalid, group);
  }
  if (field.kind === "time") {
    const found = /^(\d+):(\d+)$/.exec(raw);
    if (!found || Number(found[1]) >= 24 || Number(found[2]) >= 60) return field.invalid;
  }
  if (field.kind === "number") {
    const number = parseNumber(raw);
    if (number === null || (field.minimum != null && number < field.minimum) ||
      (field.maximum != null && number > field.maximum)) return field.invalid;
  }
  if (field.kind === "date") {
    const day = parseDate(raw);
    if (!day) return field.invalid;
    const inRange = (d) => d >= field.earliest && d <= field.latest;
    if (!inRange(day)) return field.out_of_range;
    if (field.past && day > localIso(today)) return field.past;
    if (field.not_before) {
      const [other, message] = field.not_before;
      const earlier = parseDate(data[other]);
      if (earlier && inRange(earlier) && day < earlier) return message;
    }
  }
  return null;
}

function checkRatings(field, given, errors) {
  const aspects = values(field.aspects);
  const allowed = values(field.choices);
  for (const [code, { rating = "", comment = "" } = {}] of Object.entries(given || {})) {
    if (!aspects.has(code)) {
      errors[field.name] = fill(field.other_group, code);
      continue;
    }
    if (!rating) continue;
    if (!allowed.has(String(rating))) errors[`rating-${code}`] = field.invalid;
    if (field.comment_limit != null && [...String(comment).trim()].length > field.comment_limit) {
      errors[`rating-${code}`] = field.comment_too_long;
    }
  }
}

// The errors of a capture's data, by field, in the form's order: the words the server would answer with.
export function validate(contract, data, today = new Date()) {
  const errors = {};
  for (const field of contract.fields) {
    if (!holds(field.when, data)) continue;
    if (field.choices_by && field.choices_by.field in errors) continue; // cannot be judged yet
    const value = data[field.name];
    if (field.kind === "ratings") {
      checkRatings(field, value, errors);
      continue;
    }
    if (isEmpty(value)) {
      if (field.required && (!field.required_when || holds(field.required_when, data))) errors[field.name] = field.required;
      continue;
    }
    const found = problem(field, field.kind === "choices" ? [].concat(value) : value, data, today);
    if (found) errors[field.name] = found;
  }
  return errors;
}

// Where an error points in the form: its field's first input ({name}: another field's value).
export function anchorOf(contract, key, data) {
  const field = contract.fields.find((f) => f.name === key);
  if (!field) return key.startsWith("rating-") ? key : "";
  return String(field.anchor || key).replace(/\{(\w+)\}/g, (_, name) => String(data[name] || "1"));
}

// Error key -> the form's words for it (a rated aspect's errors are keyed rating-<code>).
export function labelsOf(contract) {
  const labels = {};
  for (const field of contract.fields) {
    labels[field.name] = field.label;
    for (const aspect of field.aspects || []) labels[`rating-${aspect.value}`] = aspect.label;
  }
  return labels;
}

// --- Words on the page -------------------------------------------------------------------------------------------

// The server's reasons ("field: message") in the form's words where the op kept them.
export function reasons(op) {
  return (op.rejected || []).map((reason) => {
    const at = String(reason).indexOf(": ");
    const label = at > 0 && op.labels ? op.labels[reason.slice(0, at)] : undefined;
    // A key the form has no field for, with a GOV.UK sentence, is a rule across fields ("conversation": consent
    // first): the sentence alone. Lower-case technical reasons ("id: ...") keep their key.
    const rest = String(reason).slice(at + 2);
    if (!label && at > 0 && op.labels && /^[A-Z]/.test(rest)) return rest;
    if (!label) return String(reason);
    return `${label}${label.endsWith("?") ? " " : ": "}${reason.slice(at + 2)}`;
  });
}

export function summaryOf(op) {
  if (op.action === "delete") return op.data.summary || "A record";
  if (op.entity === "activity") return op.data.title || `${String(op.data.kind).replaceAll("_", " ")} on ${op.data.day}`;
  if (op.entity === "file_review") return `Case file ${op.data.case_reference}`;
  if (CASE_ANSWERS[op.entity]) return `${CASE_ANSWERS[op.entity][0]} on a tracked case`;
  // Never the concern's text: the outbox list is on screen wherever the tablet is.
  if (op.entity === "safeguarding_concern") {
    return op.rejected ? "Safeguarding concern" : "Safeguarding concern (sent before anything else)";
  }
  return op.data.text;
}

// Compatibility: ops queued, and team records kept, on a device before the evidence heading was renamed hold it
// (and its label) as "proposal"; read either. The server takes an old op's "proposal" as "heading" too.
export const headingOf = (data) => data.heading ?? data.proposal;

export function describe(op) {
  const entity = op.entity.replaceAll("_", " ");
  let what = entity;
  if (op.action === "delete") what = `${entity} to delete`;
  else if (CASE_ANSWERS[op.entity]) what = CASE_ANSWERS[op.entity][0].toLowerCase();
  else if (op.entity === "evidence_item") {
    // The profile's word for the heading ("Evaluation criterion"), kept with the op from its form.
    const word = headingOf(op.labels || {}) || "Heading";
    const heading = headingOf(op.data);
    what = [heading ? `${word} ${heading}` : `No ${word.toLowerCase()}`,
      op.data.judgement ? String(op.data.judgement).replaceAll("_", " ") : ""].filter(Boolean).join(", ");
  }
  const edit = op.action === "update" ? "edit " : op.action === "delete" ? "deletion " : "";
  return `${what} · ${edit}saved on this device`;
}

export function waitingWords(waiting, attention) {
  // What the server refused is not waiting: it is counted apart, so the line never promises it will sync.
  return `${waiting} capture${waiting === 1 ? "" : "s"} waiting to sync` +
    (attention ? `, ${attention} need${attention === 1 ? "s" : ""} attention` : "");
}

// --- The user's own edits the server kept as conflicts, and edits overtaken on the way ---------------------------

// A receipt that says "conflict": the server holds this edit beside the current version until someone chooses.
// The op leaves the outbox, and this note of it stays, so that its author is told on the device it came from.
export function conflictNote(op, receipt, now = new Date()) {
  return { op_id: op.op_id, inspection_id: op.inspection_id, entity: op.entity, id: op.id, action: op.action,
    summary: summaryOf(op), version: receipt.version ?? null, at: now.toISOString() };
}

// The conflicts page lists each open conflict under the id of the op that made it (app/templates/sync/conflicts.html).
export const conflictHref = (note) => `/inspections/${note.inspection_id}/conflicts#op-${note.op_id}`;

// Notes the server says are settled: a page of this inspection lists what is still open (ids of the ops, or of the
// records, in conflict); a note matching neither was resolved. The op ids of the notes to forget.
export function settled(notes, inspectionId, openIds) {
  const open = new Set([...openIds].map(String));
  return notes.filter((note) => note.inspection_id === Number(inspectionId) && !open.has(String(note.op_id)) &&
    !open.has(String(note.id))).map((note) => note.op_id);
}

// Edits still on this device whose record the change feed already shows at a later version than the one they were
// made from: someone changed it meanwhile, and when the edit syncs both versions will be kept as a conflict.
// records: the team's records as the feed gave them ({entity, id, version, inspection_id}).
export function overtaken(ops, records) {
  const latest = new Map(records.map((r) => [`${r.inspection_id}:${r.entity}:${r.id}`, Number(r.version)]));
  return ops.filter((op) => op.action !== "create" && op.base_version != null &&
    latest.get(`${op.inspection_id}:${op.entity}:${op.id}`) > Number(op.base_version)).map((op) => op.op_id);
}

export const overtakenWords = "changed by someone else since you edited it: when it syncs, both versions are kept " +
  "for the team to choose";

const outboxHref = (inspectionId, here) => (Number(inspectionId) === Number(here) ? "#device-outbox"
  : `/inspections/${inspectionId}#device-outbox`);

// The status line: what waits, what needs attention, what was overtaken and this user's edits in conflict, each
// linking to where to act (the outbox on an inspection's pages, this page's own when it is one; the conflict).
// here: the inspection of the page on screen, or null. [{text, href}], href null where there is nothing to do.
export function statusParts({ ops, notes = [], stale = [], here = null }) {
  const waiting = ops.filter((op) => !op.rejected);
  const attention = ops.filter((op) => op.rejected);
  const near = (list) => list.find((x) => Number(x.inspection_id) === Number(here)) || list[0];
  const parts = [{ text: waitingWords(waiting.length, 0), href: waiting.length ? outboxHref(near(waiting).inspection_id, here) : null }];
  if (attention.length) {
    parts.push({ text: `${attention.length} need${attention.length === 1 ? "s" : ""} attention`,
      href: outboxHref(near(attention).inspection_id, here) });
  }
  const overtakenOps = ops.filter((op) => stale.includes(op.op_id));
  if (overtakenOps.length) {
    parts.push({ text: `${overtakenOps.length} changed by someone else meanwhile`,
      href: outboxHref(near(overtakenOps).inspection_id, here) });
  }
  if (notes.length) {
    const first = near(notes);
    const one = notes.filter((n) => n.inspection_id === first.inspection_id).length === 1;
    parts.push({ text: `${notes.length} of your edits ${notes.length === 1 ? "is" : "are"} in conflict`,
      href: one ? conflictHref(first) : `/inspections/${first.inspection_id}/conflicts` });
  }
  return parts;
}
