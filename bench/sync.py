"""Sync throughput: 1,000 evidence creates through POST /api/v1/sync over HTTP (batches of 500), paired round by
round with
  - the same 1,000 rows inserted by one SQLAlchemy Core executemany, in the same database;
  - the PouchDB/CouchDB replication peer (../shared/peers/pouchdb-sync: 1,000 docs, batch_size 500; each round
    starts it afresh and takes the median of its 3 replications, its own figure);
and the time to pull 5,000 changes through GET /api/v1/inspections/{id}/changes (pages of 500).

Runs on SQLite, and on PostgreSQL when a server answers at 127.0.0.1:5432. Servers are uvicorn on loopback.

    .venv/bin/python bench/sync.py [--runs 7] [--record]

Targets (issue #20): over HTTP at most half the peer's time (ours / peer <= 0.5) on each database; the server's
own time (its Server-Timing header: reading the body, validating, applying, committing) at most 3x the raw
insert. Ratios are taken pair by pair (the same round), so they hold when a shared machine's speed drifts; each
figure is given as its median with the range over the rounds, and the load average beside it.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, cli, drop_postgres, machine_heading, postgres_url, record, serve, sign_in

PEER = ROOT.parent / "shared" / "peers" / "pouchdb-sync"
sys.path.insert(0, str(ROOT))
N = 1000
TEXT = "Parents praised the early help hub, visit {n}. " * 4  # the same size as the peer's documents


def prepare(url: str) -> None:
    cli(url, "migrate")
    cli(url, "create-user", "--email", "bench@example.org", "--name", "Bench HMI", "--role", "inspector",
        "--inspector-kind", "hmi", stdin="bench-password-123\n")


def signed_in(base: str) -> tuple[httpx.Client, str, int]:
    client = httpx.Client(base_url=base, timeout=120)
    sign_in(client, "bench@example.org", "bench-password-123")
    csrf = client.get("/api/v1/session").json()["csrf_token"]
    created = client.post("/api/v1/inspections", headers={"X-CSRF-Token": csrf}, json={
        "local_area": "Benchmark Vale (fictional)", "la_code": "999", "framework": "send-2016",
        "start_date": "2027-03-08"})
    return client, csrf, created.json()["id"]


def ops(inspection_id: int, n: int = N) -> list[dict]:
    now = datetime.now(UTC).isoformat()
    return [{"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "create", "id": str(uuid.uuid4()),
             "inspection_id": inspection_id, "base_version": None, "client_time": now,
             "data": {"text": TEXT.format(n=i), "heading": 1 + i % 4, "aspect": ["timeliness", "child_satisfaction",
                      "leaders_meetings", "online_survey"][i % 4], "judgement": "strength", "strands": ["education"]}}
            for i in range(n)]


def time_sync(client: httpx.Client, csrf: str, inspection_id: int) -> tuple[float, float]:
    """(over HTTP, in the server): the client's clock, and the server's own time from its Server-Timing header
    (reading the body, validating, applying, committing), summed over the batches."""
    batch = ops(inspection_id)
    start, server = time.perf_counter(), 0.0
    for i in range(0, len(batch), 500):
        response = client.post("/api/v1/sync", headers={"X-CSRF-Token": csrf},
                               json={"device_id": "bench", "ops": batch[i:i + 500]})
        assert response.status_code == 200 and all(r["status"] == "applied" for r in response.json()["results"])
        server += float(response.headers["server-timing"].split("dur=")[1])
    return (time.perf_counter() - start) * 1000, server


def time_raw_insert(url: str, inspection_id: int) -> float:
    from sqlalchemy import insert

    from app.clock import today_in_england
    from app.db import make_engine
    from app.evidence.models import EvidenceItem

    engine = make_engine(url)
    rows = [{"id": op["id"], "inspection_id": inspection_id, "author_id": None, "text": op["data"]["text"],
             "heading": op["data"]["heading"], "aspect": op["data"]["aspect"], "judgement": "strength",
             "strands": ["education"], "source_type": "none", "captured_on": today_in_england(),
             "observed_on": today_in_england(), "version": 1,
             "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC)} for op in ops(inspection_id)]
    start = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(EvidenceItem), rows)
    elapsed = (time.perf_counter() - start) * 1000
    engine.dispose()
    return elapsed


def time_pull(client: httpx.Client, inspection_id: int) -> tuple[float, int]:
    start, cursor, pulled = time.perf_counter(), "", 0
    while True:
        page = client.get(f"/api/v1/inspections/{inspection_id}/changes", params={"since": cursor}).json()
        pulled += len(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    return (time.perf_counter() - start) * 1000, pulled


def peer_ready() -> Path | None:
    """The peer's copy under bench/.work with its packages installed (npm, once), or None without node."""
    if not PEER.exists() or not shutil.which("node"):
        return None
    work = ROOT / "bench" / ".work" / "pouchdb-sync"
    work.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "run.js"):
        shutil.copy(PEER / name, work / name)
    if not (work / "node_modules").exists():
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund"], cwd=work, check=True,
                       capture_output=True)
    return work


def time_peer(work: Path | None) -> float | None:
    """One round of the peer: a fresh process, 3 replications of N docs, their median (its own figure)."""
    if work is None:
        return None
    out = subprocess.run(["node", "run.js", str(N), "3"], cwd=work, check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["median_ms"])


def bench_database(label: str, url: str, runs: int, peer: Path | None) -> dict:
    prepare(url)
    server, base = serve(url)
    try:
        client, csrf, inspection_id = signed_in(base)
        time_sync(client, csrf, inspection_id)  # warm-up
        time_raw_insert(url, inspection_id)
        # Round by round, so that each pair sees the same machine: a shared VM's speed drifts by tens of per cent
        # within a minute. The peer runs while our server waits, and the other way round.
        ours, in_server, raw, peers = [], [], [], []
        for _ in range(runs):
            http_ms, server_ms = time_sync(client, csrf, inspection_id)
            ours.append(http_ms)
            in_server.append(server_ms)
            raw.append(time_raw_insert(url, inspection_id))
            peers.append(time_peer(peer))
        # A second inspection with exactly 5,000 evidence items to pull.
        second = client.post("/api/v1/inspections", headers={"X-CSRF-Token": csrf}, json={
            "local_area": "Second Benchmark Vale (fictional)", "la_code": "998", "framework": "send-2016",
            "start_date": "2027-03-08"}).json()["id"]
        for _ in range(5):
            time_sync(client, csrf, second)
        pull_ms, pulled = time_pull(client, second)
    finally:
        server.terminate()
        server.wait()
    return {"label": label, "ours": ours, "server": in_server, "raw": raw, "peer": peers, "pull_ms": pull_ms,
            "pulled": pulled}


def spread(values: list[float], digits: int = 0, unit: str = "") -> str:
    """The median, with the range over the rounds."""
    return (f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}-"
            f"{max(values):.{digits}f}{unit})")


def pairs(a: list[float], b: list[float]) -> list[float]:
    return [x / y for x, y in zip(a, b, strict=True)]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    peer = peer_ready()
    load_before = load()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(bench_database("SQLite", f"sqlite:///{Path(tmp) / 'sync.db'}", args.runs, peer))
    pg = postgres_url()
    if pg:
        try:
            results.append(bench_database("PostgreSQL", pg, args.runs, peer))
        finally:
            drop_postgres(pg)
    lines = [machine_heading(f"{args.runs} rounds, each figure the median (range over the rounds)"), "",
             f"Load average (1 / 5 / 15 min) before: {load_before}; after: {load()}, on {os.cpu_count()} cores.", "",
             ("| database | ours: 1,000 creates via POST /api/v1/sync, over HTTP (ms) | of which in the server (ms) "
              "| raw Core executemany (ms) | server / raw | PouchDB peer (ms) | ours / peer | pull of changes |"),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        have_peer = all(p is not None for p in r["peer"])
        lines.append(f"| {r['label']} | {spread(r['ours'])} | {spread(r['server'])} | {spread(r['raw'])} | "
                     f"{spread(pairs(r['server'], r['raw']), 1, 'x')} | "
                     f"{spread(r['peer']) if have_peer else 'not run'} | "
                     f"{spread(pairs(r['ours'], r['peer']), 2, 'x') if have_peer else ''} | "
                     f"{r['pulled']:,} changes in {r['pull_ms']:.0f} ms |")
    if not pg:
        lines.append("| PostgreSQL | not run: no server at 127.0.0.1:5432 | | | | | | |")
    lines += ["", ("Targets (issue #20): over HTTP, ours at most half the peer's time (ours / peer <= 0.50x); the "
                   "server's own time at most 3x the raw insert. Ratios are pair by pair (the same round). The "
                   "server's time is its Server-Timing header: reading the body, validating, applying and "
                   "committing, without the network and the client's JSON."), ""]
    report = "\n".join(lines)
    record(report, name="sync", title="Sync throughput")


if __name__ == "__main__":
    main()
