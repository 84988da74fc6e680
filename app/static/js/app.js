// Starts GOV.UK Frontend's components, on the page and on every fragment htmx swaps in.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

// Follow-up questions (components/forms.html reveal): show only those of the chosen radio.
function syncReveals() {
  document.querySelectorAll("[data-reveal-name]").forEach((block) => {
    const chosen = document.querySelector(`input[type=radio][name="${block.dataset.revealName}"]:checked`);
    block.hidden = !chosen || chosen.value !== block.dataset.revealValue;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches("input[type=radio]")) syncReveals();
});

function start(scope) {
  syncReveals();
  try {
    initAll({ scope });
  } catch (error) {
    console.error("GOV.UK Frontend did not start", error);
  }
}

if (window.htmx) {
  window.htmx.onLoad(start);
} else {
  start(document.body);
}

// htmx requests carry the CSRF token as a header too (forms also send it as a field).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRF-Token"] = meta.content;
});

// Uploads (the area's portal): htmx reports how much of the request body has gone; show it.
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest && event.target.closest("form[data-upload]");
  if (!form || !event.detail.lengthComputable || !event.detail.total) return;
  const box = form.querySelector("[data-upload-progress]");
  const percent = Math.round((100 * event.detail.loaded) / event.detail.total);
  box.hidden = false;
  box.querySelector("progress").value = percent;
  box.querySelector("[data-upload-percent]").textContent = percent < 100 ? `${percent}%` : "Sent, checking the file…";
});

// An upload the server refused before it could answer with the form (too large to read, a lost session or
// token, a network failure): say so beside the bar instead of leaving it at "checking".
function uploadFailed(event, message) {
  const form = event.detail.elt.closest && event.detail.elt.closest("form[data-upload]");
  if (!form) return;
  const box = form.querySelector("[data-upload-progress]");
  box.hidden = false;
  box.querySelector("progress").value = 0;
  box.querySelector("[data-upload-percent]").textContent = message;
}
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  uploadFailed(event, status === 413 ? "Not sent: the file must be smaller than 25 MB."
    : status === 403 ? "Not sent: reload the page and try again (your session may have ended)."
      : "Not sent: the server could not read the upload. Try again.");
});
document.addEventListener("htmx:sendError", (event) => uploadFailed(event, "Not sent: check the connection and try again."));

// The inspection's sections are one row that scrolls within itself on a small screen: bring the current one into
// view, so the row shows where you are.
const currentSection = document.querySelector(".app-subnav [aria-current]");
if (currentSection) {
  const row = currentSection.closest(".app-subnav__list");
  const rowBox = row.getBoundingClientRect();
  const box = currentSection.getBoundingClientRect();
  if (box.right > rowBox.right) row.scrollLeft += box.left - rowBox.left - 20;
}
