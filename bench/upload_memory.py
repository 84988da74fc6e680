"""Peak memory of the server while the nominated officer uploads a 25 MB document (issue #5: an upload must
not hold the whole file in memory).

The app runs under uvicorn in its own process (SQLite, the fictional demo). Before each upload the process's
peak-RSS mark is reset (writing 5 to /proc/PID/clear_refs); after it, VmHWM minus the RSS before is what the
upload cost at its worst moment. The client streams the body from a generator in 64 KB pieces, and runs in
this process, so the server's figure is its own. Baseline: the file's size, which a server holding the whole
upload in memory would add at least once. A control shows the method sees memory that is used: the same
measurement around a 12 MB JSON body sent to the sync API, which (like any ordinary JSON route) reads its body
whole before parsing it (under its 16 MB limit).

    .venv/bin/python bench/upload_memory.py [--runs 5] [--record]
"""

import argparse
import hashlib
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import machine_heading, record, sign_in, start_demo_server

SIZE = 25 * 1024 * 1024 - 4096  # just under the limit, with room for the form's other parts
CHUNK = 64 * 1024
CONTROL_SIZE = 12 * 1024 * 1024  # under the sync API's 16 MB body limit (a 25 MB body is refused with 413 now)


def status(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0]) * 1024  # kB -> bytes
    return fields


def multipart(boundary: str, csrf: str, size: int):
    """The form as a browser sends it, the file part made on the fly (never whole in this process either)."""
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"requested\"\r\n\r\nself_evaluation\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench-sef.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    digest = hashlib.sha256()

    def body():
        yield head
        first = b"%PDF-1.7\n"
        digest.update(first)
        yield first
        sent = len(first)
        piece = b"% fictional padding for the benchmark\n" * (CHUNK // 38)
        while sent < size:
            chunk = piece[:size - sent]
            digest.update(chunk)
            sent += len(chunk)
            yield chunk
        yield tail

    length = len(head) + size + len(tail)
    return body, length, digest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        proc, base = start_demo_server(Path(workdir))
        try:
            results = run(proc.pid, base, args.runs)
        finally:
            proc.terminate()
            proc.wait()
    report(results, args.runs)


def run(pid: int, base: str, runs: int) -> list[dict]:
    results = []
    with httpx.Client(base_url=base, timeout=120) as client:
        sign_in(client, "officer@example.org", "demo-officer-password")
        portal = client.get("/portal", follow_redirects=True)
        inspection_url = str(portal.url.path)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', portal.text).group(1)
        for n in range(runs + 1):  # the first is a warm-up (imports, first queries), not counted
            boundary = f"bench{n:04d}boundary"
            body, length, digest = multipart(boundary, csrf, SIZE if n else 1024 * 1024)
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak-RSS mark
            before = status(pid)["VmRSS"]
            started = time.perf_counter()
            response = client.post(f"{inspection_url}/documents", content=body(), headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)})
            seconds = time.perf_counter() - started
            after = status(pid)
            assert response.status_code == 303, (response.status_code, response.text[:500])
            listing = client.get(response.headers["location"])
            assert "bench-sef.pdf" in listing.text
            if n:
                results.append({"peak_growth": after["VmHWM"] - before, "rss_before": before,
                                "rss_after": after["VmRSS"], "seconds": seconds, "bytes": SIZE,
                                "sha256": digest.hexdigest()})
        for _ in range(2):  # the control: a body read whole
            padding = "x" * CONTROL_SIZE
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            before = status(pid)["VmRSS"]
            response = client.post("/api/v1/sync", content=f'{{"device_id": "bench", "ops": [], "pad": "{padding}"}}',
                                    headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
            after = status(pid)
            results.append({"control": True, "peak_growth": after["VmHWM"] - before, "status": response.status_code})
    return results


def report(results: list[dict], runs: int) -> None:
    mb = 1024 * 1024
    controls = [r for r in results if r.get("control")]
    results = [r for r in results if not r.get("control")]
    growth = [r["peak_growth"] for r in results]
    lines = [machine_heading(f"SQLite, one uvicorn process, {runs} uploads of {SIZE / mb:.1f} MB"), "",
             "| run | RSS before | peak RSS during upload | growth at peak | growth / file size | time | rate |",
             "|---|---|---|---|---|---|---|"]
    for n, r in enumerate(results, start=1):
        lines.append(f"| {n} | {r['rss_before'] / mb:.1f} MB | {(r['rss_before'] + r['peak_growth']) / mb:.1f} MB | "
                     f"{r['peak_growth'] / mb:.2f} MB | {r['peak_growth'] / r['bytes']:.3f} | {r['seconds']:.2f} s | "
                     f"{r['bytes'] / mb / r['seconds']:.0f} MB/s |")
    median = statistics.median(growth)
    lines += ["", (f"Median growth at peak: {median / mb:.2f} MB for a {SIZE / mb:.1f} MB file: "
                   f"{median / SIZE:.3f} of the file's size (baseline: 1.0, a server holding the whole upload). "
                   f"Worst: {max(growth) / mb:.2f} MB ({max(growth) / SIZE:.3f})."),
              (f"Control (the same measurement around a body read whole: a {CONTROL_SIZE // (1024 * 1024)} MB "
               "JSON body to the sync API, answered "
               f"{', '.join(str(c['status']) for c in controls)}): growth at peak "
               f"{', '.join('%.1f MB' % (c['peak_growth'] / mb) for c in controls)}."), ""]
    record("\n".join(lines), name="upload_memory", title="Peak server memory while a 25 MB document is uploaded")


if __name__ == "__main__":
    main()
