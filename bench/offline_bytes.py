"""Bytes a tablet downloads to make the demo inspection available offline: the app shell the service worker
precaches (as the server sends it, gzipped where it gzips) plus every page listed by
GET /inspections/{id}/offline-pages, fetched as the "Make this inspection available offline" button does.

    .venv/bin/python bench/offline_bytes.py [--record]
"""

import json
import re
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import machine_heading, record, sign_in, start_demo_server


def wire_bytes(client: httpx.Client, url: str) -> int:
    with client.stream("GET", url, headers={"Accept": "text/html", "Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200, url
        return len(b"".join(response.iter_raw()))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server, base = start_demo_server(Path(tmp))
        try:
            client = httpx.Client(base_url=base)
            sign_in(client, "lead@example.org", "demo-lead-password")
            inspection = re.search(r'href="/inspections/(\d+)"', client.get("/inspections").text).group(1)
            shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", client.get("/sw.js").text).group(1))
            pages = client.get(f"/inspections/{inspection}/offline-pages").json()["pages"]
            shell_bytes = sum(wire_bytes(client, url) for url in shell) + wire_bytes(client, "/sw.js")
            page_bytes = sum(wire_bytes(client, url) for url in pages)
        finally:
            server.terminate()
            server.wait()
    total = shell_bytes + page_bytes
    report = "\n".join([
        machine_heading("the demo inspection"),
        "",
        "| what | items | bytes on the wire |",
        "| --- | ---: | ---: |",
        f"| app shell (service worker and precached assets) | {len(shell) + 1} | {shell_bytes:,} |",
        f"| pages of the inspection | {len(pages)} | {page_bytes:,} |",
        f"| **total** | | **{total:,}** ({total / 1024:.0f} KB) |",
        "",
        ("Pages are sent uncompressed by the app (they carry the CSRF token); a TLS proxy that compresses them "
         "would cut their share by about four fifths."),
        "",
    ])
    record(report, name="offline_bytes", title="Bytes to make an inspection available offline")


if __name__ == "__main__":
    main()
