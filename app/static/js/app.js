// Starts GOV.UK Frontend's components, on the page and on every fragment htmx swaps in.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

function start(scope) {
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
