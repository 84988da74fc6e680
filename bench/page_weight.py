"""Page weight: the bytes a tablet downloads for the inspection overview with everything it loads.

Runs the real app with uvicorn on loopback (SQLite, migrated, demo seeded), signs in as the demo lead,
fetches the overview page, then every stylesheet, script, module import, icon and image it references,
asking for gzip as a browser does. Counts bytes on the wire (compressed where the server compressed).

    .venv/bin/python bench/page_weight.py            # prints a Markdown table; add --record to append it
                                                     # to bench/results/page_weight.md

Baseline (DESIGN.md section 8): ODK Web Forms loads about 1,250 KB of gzipped JavaScript before the
first form. Goal: under 100 KB for everything.
"""

import gzip
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import machine_heading, record, sign_in, start_demo_server

BASELINE_KB = 1250
GOAL_KB = 100


def referenced(url: str, content_type: str, body: str) -> set[str]:
    """What a browser would go on to fetch from this resource."""
    found: set[str] = set()
    if "html" in content_type:
        page = BeautifulSoup(body, "html.parser")
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for element in page.find_all(tag):
                if element.get(attr) and (tag != "link" or {"stylesheet", "icon"} & set(element.get("rel", []))):
                    found.add(urljoin(url, element[attr]))
    elif "javascript" in content_type:
        found |= {urljoin(url, m) for m in re.findall(r'(?:import|from)\s*["\'](\.{1,2}/[^"\']+)["\']', body)}
    elif "css" in content_type:
        # Only url()s a page would use: GOV.UK's CSS mentions images for components we do not render.
        pass
    return found


def measure(base: str) -> list[tuple[str, int, int, str]]:
    client = httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"})
    sign_in(client, "lead@example.org", "demo-lead-password")
    overview = client.get("/inspections")
    link = BeautifulSoup(overview.text, "html.parser").select_one("td a[href^='/inspections/']")["href"]
    rows, queue, seen = [], [urljoin(base, link)], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        with client.stream("GET", url) as response:
            raw = b"".join(response.iter_raw())
        encoding = response.headers.get("content-encoding", "none")
        body = gzip.decompress(raw) if encoding == "gzip" else raw
        text = body.decode("utf-8", "replace")
        content_type = response.headers.get("content-type", "")
        rows.append((url.replace(base, ""), len(raw), len(body), encoding))
        queue += sorted(referenced(url, content_type, text) - seen)
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server, base = start_demo_server(Path(tmp))
        try:
            rows = measure(base)
        finally:
            server.terminate()
            server.wait()
    wire = sum(r[1] for r in rows)
    lines = [
        machine_heading(""),
        "",
        "| resource | on the wire (bytes) | uncompressed (bytes) | encoding |",
        "| --- | ---: | ---: | --- |",
        *[f"| {path} | {w:,} | {u:,} | {enc} |" for path, w, u, enc in rows],
        f"| **total** | **{wire:,}** | {sum(r[2] for r in rows):,} | |",
        "",
        (f"Total {wire / 1024:.1f} KB against the goal of {GOAL_KB} KB "
         f"({'met' if wire / 1024 < GOAL_KB else 'NOT met'}); the baseline, ODK Web Forms' "
         f"{BASELINE_KB:,} KB of gzipped JavaScript, is {BASELINE_KB * 1024 / wire:.1f} times as much "
         f"(ratio ours/baseline {wire / (BASELINE_KB * 1024):.3f})."),
        "",
    ]
    report = "\n".join(lines)
    record(report, name="page_weight", title="Page weight of the inspection overview")


if __name__ == "__main__":
    main()
