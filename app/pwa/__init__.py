"""The installable app: web manifest, service worker (served from the root scope) and the offline page."""
