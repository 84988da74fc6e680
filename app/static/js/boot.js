// Loaded first and synchronously: GOV.UK Frontend styles components differently when JavaScript runs.
// (This replaces the template's inline snippet, which our Content-Security-Policy forbids.)
document.documentElement.classList.add("js-enabled");
document.addEventListener("DOMContentLoaded", function () {
  document.body.classList.add("js-enabled");
  if ("noModule" in HTMLScriptElement.prototype) document.body.classList.add("govuk-frontend-supported");
});
