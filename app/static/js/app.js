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
