"""A week-five tablet: the demo inspection at the end of its week on site (bench/_week_five.py: about 1,000
evidence items, 60 activities, 40 case files, five days' summaries), taken offline, on SQLite and PostgreSQL.

What is measured, for each database, on a server of its own (uvicorn on loopback):
  - bytes on the wire (httpx, Accept-Encoding: gzip, as a browser asks): the app shell the service worker
    precaches, every page listed by GET /inspections/{id}/offline-pages, and the change feed of the whole team's
    records (GET /api/v1/inspections/{id}/changes, page after page);
  - in headless Chromium (Debian's /usr/bin/chromium through Playwright; never a downloaded browser), RUNS times,
    each in a fresh browser profile: sign in, open the inspection, wait for the service worker, then
      "ready": from pressing "Make this inspection available offline" until the page says "Available offline",
      "feed pull": from opening the inspection page until the tablet has read the team's change feed into
        IndexedDB (the pull every page load starts),
      storage: navigator.storage.estimate() after both (IndexedDB, cache storage, the whole origin),
      "board offline": with the network cut, opening the evidence board (heading 1) until its load event and the
        items are on screen, three times.

    .venv/bin/python bench/offline_bytes.py [--runs 3] [--database sqlite|postgresql|both] [--record]

Targets (issue 20): under 2 MB on the wire, ready in under 15 s, the board offline in under 1 s.
A benchmark, not a test: run it by hand and record; the suite never times anything.
"""

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _server import drop_postgres, machine_heading, postgres_url, record, serve, sign_in  # noqa: E402
from _week_five import build  # noqa: E402

os.environ.setdefault("ENVIRONMENT", "development")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LEAD = ("lead@example.org", "demo-lead-password")
TARGET_BYTES, TARGET_READY, TARGET_BOARD = 2 * 1024 * 1024, 15.0, 1.0


def wire_bytes(client: httpx.Client, url: str) -> int:
    with client.stream("GET", url, headers={"Accept": "text/html", "Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200, url
        return len(b"".join(response.iter_raw()))


def on_the_wire(base: str, inspection_id: int) -> dict[str, tuple[int, int]]:
    """(items, bytes) of each part a tablet downloads."""
    client = httpx.Client(base_url=base)
    sign_in(client, *LEAD)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", client.get("/sw.js").text).group(1))
    pages = client.get(f"/inspections/{inspection_id}/offline-pages").json()["pages"]
    feed_bytes, records, cursor = 0, 0, ""
    while True:
        with client.stream("GET", f"/api/v1/inspections/{inspection_id}/changes", params={"since": cursor},
                           headers={"Accept-Encoding": "gzip"}) as response:
            raw = b"".join(response.iter_raw())
        feed_bytes += len(raw)
        page = json.loads(gzip.decompress(raw) if response.headers.get("content-encoding") == "gzip" else raw)
        records += len(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    return {"shell": (len(shell) + 1, sum(wire_bytes(client, url) for url in shell) + wire_bytes(client, "/sw.js")),
            "pages": (len(pages), sum(wire_bytes(client, url) for url in pages)),
            "feed": (records, feed_bytes)}


STORAGE = """async () => {
  const { usage, usageDetails } = await navigator.storage.estimate();
  return { usage, indexedDB: usageDetails?.indexedDB ?? null, caches: usageDetails?.caches ?? null };
}"""


def browser_run(browser, base: str, inspection_id: int) -> dict[str, float]:
    """One tablet, from a fresh profile to the board opened offline."""
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{base}/login")
        page.get_by_label("Email address").fill(LEAD[0])
        page.get_by_label("Password", exact=True).fill(LEAD[1])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/inspections")
        # The first page of the inspection: the service worker installs (precaching the shell) and takes charge.
        opened = time.perf_counter()
        page.goto(f"{base}/inspections/{inspection_id}")
        # (Polled from here: the page's content security policy refuses wait_for_function's eval.)
        deadline = time.monotonic() + 120
        while not page.evaluate("navigator.serviceWorker.controller !== null"):
            assert time.monotonic() < deadline, "the service worker never took charge of the page"
            time.sleep(0.05)
        page.wait_for_selector("body[data-team-pulled]", state="attached", timeout=120_000)
        pulled = time.perf_counter() - opened
        records = page.evaluate("""async () => {
          const open = indexedDB.open(`sendfw-outbox-${document.querySelector('meta[name="sync-user"]').content}`);
          const db = await new Promise((ok) => { open.onsuccess = () => ok(open.result); });
          const count = db.transaction("team").objectStore("team").count();
          return new Promise((ok) => { count.onsuccess = () => { ok(count.result); db.close(); }; });
        }""")
        pressed = time.perf_counter()
        page.get_by_role("button", name="Make this inspection available offline").click()
        page.locator("[data-offline-progress]", has_text="Available offline").wait_for(timeout=300_000)
        ready = time.perf_counter() - pressed
        storage = page.evaluate(STORAGE)
        context.set_offline(True)
        board = []
        for _ in range(3):
            start = time.perf_counter()
            page.goto(f"{base}/inspections/{inspection_id}/board?heading=1", wait_until="load")
            page.locator("#results .app-evidence").first.wait_for()
            board.append(time.perf_counter() - start)
        assert "Evidence board" in page.locator("h1").inner_text()
        # "Show all" of the first aspect, still offline: the aspect's every item, or the offline page if not saved.
        start = time.perf_counter()
        page.locator("a[data-show-all]").first.click()
        page.wait_for_load_state("load")
        in_full = time.perf_counter() - start
        aspect_saved = "Evidence board" in page.locator("h1").inner_text()
        assert not errors, errors
        return {"feed pull": pulled, "team records": records, "ready": ready, "board offline": statistics.median(board),
                "aspect in full offline": in_full if aspect_saved else None,
                "board offline worst": max(board), "indexedDB": storage["indexedDB"], "caches": storage["caches"],
                "usage": storage["usage"]}
    finally:
        context.close()


def measure(url: str, label: str, runs: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    counts = build(url)
    built = time.perf_counter() - started
    print(f"{label}: built in {built:.0f} s", file=sys.stderr)
    inspection_id = counts["inspection_id"]
    server, base = serve(url)
    load_before = os.getloadavg()
    try:
        wire = on_the_wire(base, inspection_id)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                results = []
                for run in range(runs):
                    results.append(browser_run(browser, base, inspection_id))
                    print(f"{label}: run {run + 1} of {runs}: {results[-1]}", file=sys.stderr)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait()
    load_after = os.getloadavg()
    total = sum(size for _, size in wire.values())

    def spread(key: str, unit: str = "s", scale: float = 1.0) -> str:
        values = [r[key] * scale for r in results]
        return (f"{statistics.median(values):.2f} {unit} (from {min(values):.2f} to {max(values):.2f})" if unit == "s"
                else f"{statistics.median(values):,.0f} {unit} (from {min(values):,.0f} to {max(values):,.0f})")

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    saved = all(r["aspect in full offline"] is not None for r in results)
    in_full = spread("aspect in full offline") if saved else "not saved: the offline page instead"
    worst = {key: max(r[key] for r in results) for key in ("ready", "board offline")}
    return [
        f"### {label}",
        "",
        (f"Built through the services in {built:.0f} s: {counts['evidence']:,} evidence items, {counts['activities']} "
         f"activities, {counts['file_reviews']} case files, {counts['days']} days on site. "
         f"Load average (1, 5, 15 min) {' '.join(f'{v:.2f}' for v in load_before)} before, "
         f"{' '.join(f'{v:.2f}' for v in load_after)} after."),
        "",
        "| what | items | bytes on the wire (gzip) |",
        "| --- | ---: | ---: |",
        f"| app shell (service worker and precached assets) | {wire['shell'][0]} | {wire['shell'][1]:,} |",
        f"| pages of the inspection | {wire['pages'][0]} | {wire['pages'][1]:,} |",
        f"| change feed: the whole team's records | {wire['feed'][0]:,} | {wire['feed'][1]:,} |",
        (f"| **total** | | **{total:,}** ({total / 1024 / 1024:.2f} MB; target under 2 MB: "
         f"{verdict(total < TARGET_BYTES)}) |"),
        "",
        f"In Chromium, {runs} runs, each a fresh profile (median, and the range):",
        "",
        "| what | figure | target |",
        "| --- | --- | --- |",
        (f"| ready: \"Make this inspection available offline\" pressed until \"Available offline\" | {spread('ready')} "
         f"| under {TARGET_READY:.0f} s: {verdict(worst['ready'] < TARGET_READY)} |"),
        (f"| feed pull: inspection opened until the team's {results[0]['team records']:,} records are in IndexedDB "
         f"| {spread('feed pull')} | |"),
        (f"| evidence board (heading 1) opened offline, median of 3 each run | {spread('board offline')} "
         f"| under {TARGET_BOARD:.0f} s: {verdict(worst['board offline'] < TARGET_BOARD)} |"),
        f"| an aspect's \"Show all\" followed offline | {in_full} | |",
        f"| IndexedDB used | {spread('indexedDB', 'KB', 1 / 1024)} | |",
        f"| cache storage used | {spread('caches', 'KB', 1 / 1024)} | |",
        f"| whole origin (navigator.storage.estimate) | {spread('usage', 'KB', 1 / 1024)} | |",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    lines = [machine_heading("a week-five inspection taken offline"), ""]
    if args.database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            lines += measure(f"sqlite:///{Path(tmp) / 'week5.db'}", "SQLite", args.runs)
    if args.database in ("postgresql", "both"):
        url = postgres_url("offline")
        if url is None:
            lines += ["### PostgreSQL", "", "No PostgreSQL server answered on 127.0.0.1:5432: not measured.", ""]
        else:
            try:
                lines += measure(url, "PostgreSQL", args.runs)
            finally:
                drop_postgres(url)
    record("\n".join(lines), name="offline_bytes", title="Bytes to make an inspection available offline")


if __name__ == "__main__":
    main()
