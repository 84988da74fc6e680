// SEND Fieldwork service worker, release {{ version }}.
// Pages: network first, falling back to the copy saved when last seen online (then the offline page).
// Versioned assets: cache first (their URLs change when they do). It never replays POSTs: the page's outbox does.
const SHELL_CACHE = "sendfw-shell-{{ version }}";
const PAGES_CACHE = "sendfw-pages";
const SHELL = {{ shell }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // Old shells go only once this one is in charge, so a page already open offline keeps its assets until then.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("sendfw-shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "wipe") {
    // Sign-out: nothing of this user's pages stays on the device.
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html")) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          // "no-store" pages (concerns, account, administration) are never kept on the device.
          const stored = !(response.headers.get("Cache-Control") || "").includes("no-store");
          if (response.ok && stored && !request.headers.get("HX-Request")) {
            // Kept alive until the copy is stored: a worker stopped in between would lose it.
            const copy = response.clone();
            event.waitUntil(caches.open(PAGES_CACHE).then((cache) => cache.put(request, copy)));
          }
          return response;
        })
        .catch(() => caches.match(request, { cacheName: PAGES_CACHE, ignoreVary: true })
          .then((hit) => hit || caches.match("/offline"))),
    );
  }
});
