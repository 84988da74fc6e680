"""Sync throughput: 1,000 evidence creates through POST /api/v1/sync over HTTP (batches of 500), beside
  - the same 1,000 rows inserted by one SQLAlchemy Core executemany, in the same database, same run;
  - the PouchDB/CouchDB replication peer (../shared/peers/pouchdb-sync: 1,000 docs, batch_size 500), same run;
and the time to pull 5,000 changes through GET /api/v1/inspections/{id}/changes (pages of 500).

Runs on SQLite, and on PostgreSQL when a server answers at 127.0.0.1:5432. Servers are uvicorn on loopback.

    .venv/bin/python bench/sync.py [--runs 5] [--record]

Targets (offline-first issue): the time for the server to apply them within 5x of the raw insert on each
database (read from the response's Server-Timing header; the HTTP round trip is reported beside it); over HTTP,
at least as fast as the peer.
"""

import argparse
import json
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
             "data": {"text": TEXT.format(n=i), "proposal": 1 + i % 4, "aspect": ["timeliness", "child_satisfaction",
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
             "proposal": op["data"]["proposal"], "aspect": op["data"]["aspect"], "judgement": "strength",
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


def run_peer(runs: int) -> dict | None:
    if not PEER.exists() or not shutil.which("node"):
        return None
    work = ROOT / "bench" / ".work" / "pouchdb-sync"
    work.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "run.js"):
        shutil.copy(PEER / name, work / name)
    if not (work / "node_modules").exists():
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund"], cwd=work, check=True,
                       capture_output=True)
    out = subprocess.run(["node", "run.js", str(N), str(runs)], cwd=work, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_database(label: str, url: str, runs: int) -> dict:
    prepare(url)
    server, base = serve(url)
    try:
        client, csrf, inspection_id = signed_in(base)
        time_sync(client, csrf, inspection_id)  # warm-up
        # Interleaved, so that both see the same machine: this VM's speed drifts by tens of per cent within a minute.
        ours, in_server, raw = [], [], []
        for _ in range(runs):
            http_ms, server_ms = time_sync(client, csrf, inspection_id)
            ours.append(http_ms)
            in_server.append(server_ms)
            raw.append(time_raw_insert(url, inspection_id))
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
    return {"label": label, "ours": ours, "server": in_server, "raw": raw, "pull_ms": pull_ms, "pulled": pulled}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(bench_database("SQLite", f"sqlite:///{Path(tmp) / 'sync.db'}", args.runs))
    pg = postgres_url()
    if pg:
        try:
            results.append(bench_database("PostgreSQL", pg, args.runs))
        finally:
            drop_postgres(pg)
    peer = run_peer(args.runs)
    lines = [machine_heading(f"{args.runs} runs, medians"), "",
             ("| database | ours: 1,000 creates via POST /api/v1/sync, over HTTP (ms) | of which in the server (ms) "
              "| raw Core executemany (ms) | server / raw | HTTP / raw | PouchDB peer (ms) | ours / peer "
              "| pull of changes |"),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        ours, raw = statistics.median(r["ours"]), statistics.median(r["raw"])
        in_server = statistics.median(r["server"])
        peer_ms = peer["median_ms"] if peer else None
        paired = statistics.median(o / w for o, w in zip(r["ours"], r["raw"], strict=True))
        paired_server = statistics.median(o / w for o, w in zip(r["server"], r["raw"], strict=True))
        lines.append(f"| {r['label']} | {ours:.0f} | {in_server:.0f} | {raw:.0f} | "
                     f"{in_server / raw:.1f}x (pairs: {paired_server:.1f}x) | "
                     f"{ours / raw:.1f}x (pairs: {paired:.1f}x) | "
                     f"{f'{peer_ms:.0f}' if peer_ms else 'not run'} | {f'{ours / peer_ms:.2f}x' if peer_ms else ''} | "
                     f"{r['pulled']:,} changes in {r['pull_ms']:.0f} ms |")
    if not pg:
        lines.append("| PostgreSQL | not run: no server at 127.0.0.1:5432 | | | | | | | |")
    lines += ["", ("Targets: the server's time to apply within 5x of the raw insert; over HTTP, ours at least as fast "
                   "as the peer (ratio <= 1). The server's time is its own Server-Timing header: reading the body, "
                   "validating, applying and committing, without the network and the client's JSON. "
                   "Bytes to make an inspection available offline: see bench/offline_bytes.py."), ""]
    report = "\n".join(lines)
    record(report, name="sync", title="Sync throughput")


if __name__ == "__main__":
    main()
