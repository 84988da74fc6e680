"""Where the server's time goes in one sync batch: 500 evidence creates, the work POST /api/v1/sync does for them
run in this process, stage by stage, as the route runs it: the body decoded and validated as FastAPI does
(json.loads, then the SyncIn model), the batch applied (service.apply_batch), the response validated and
encoded to JSON bytes (pydantic, as FastAPI's response model does), the commit.

First each stage's processor time (this thread's, so that other programs on a shared machine count for less),
the median over the batches, without a profiler; then cProfile over the same batches, its top entries by
cumulative and by own time. cProfile adds a cost to every Python call, so it overstates code made of many small
calls against C (regular expressions, the database driver): read its table for where the calls go, the stage
times for how long they take.

    .venv/bin/python bench/sync_profile.py [--batches 10] [--top 25] [--record]

Runs on SQLite, and on PostgreSQL when a server answers at 127.0.0.1:5432; --record appends to
bench/results/sync_profile.md.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, drop_postgres, machine_heading, postgres_url, record, sign_in
from sync import ops, prepare

sys.path.insert(0, str(ROOT))

STAGES = ("decode and validate the body", "apply the batch", "validate and encode the response", "commit")


def profile_database(label: str, url: str, batches: int, top: int) -> list[str]:
    prepare(url)
    os.environ.update(DATABASE_URL=url, ENVIRONMENT="development")
    from fastapi.testclient import TestClient
    from sqlmodel import Session, select

    from app.db import make_engine, set_engine
    from app.main import create_app
    from app.sync import api, service
    from app.users.models import User

    engine = make_engine(url)
    set_engine(engine)
    with Session(engine) as session:
        user_id = session.exec(select(User.id)).one()
    with TestClient(create_app()) as client:  # the inspection made as the bench makes it, through the API
        sign_in(client, "bench@example.org", "bench-password-123")
        csrf = client.get("/api/v1/session").json()["csrf_token"]
        inspection_id = client.post("/api/v1/inspections", headers={"X-CSRF-Token": csrf}, json={
            "local_area": "Benchmark Vale (fictional)", "la_code": "999", "framework": "send-2016",
            "start_date": "2027-03-08"}).json()["id"]
    try:
        from app.web.json_route import json_loads as decode
    except ImportError:
        decode = json.loads
    times: dict[str, list[float]] = {stage: [] for stage in STAGES}
    profiler = cProfile.Profile()

    def one(profiled: bool) -> None:
        body = json.dumps({"device_id": "bench", "ops": ops(inspection_id, 500)}).encode()
        if profiled:
            profiler.enable()
        # As the route does, whichever code this runs on: the body decoded by orjson (since #20's third pass) or
        # json.loads, the collector paused for the whole request (third pass), for the batch alone (second pass),
        # or not at all (before #20).
        paused = getattr(api, "_collector_paused", nullcontext)
        whole_request = paused if hasattr(api, "_CollectorPausedRoute") else nullcontext
        marks = [time.thread_time()]
        with whole_request():
            parsed = api.SyncIn.model_validate(decode(body))
        marks.append(time.thread_time())
        with Session(engine, expire_on_commit=False) as session, whole_request(), paused():
            me = session.get(User, user_id)
            results = service.apply_batch(session=session, user=me, device_id=parsed.device_id, ops=parsed.ops,
                                          ip_address="127.0.0.1")
            session.flush()
            marks.append(time.thread_time())
            out = api.SyncOut.model_validate({"results": results, "cursor": service.current_cursor(session=session)})
            out.__pydantic_serializer__.to_json(out)
            marks.append(time.thread_time())
            session.commit()
            marks.append(time.thread_time())
        if profiled:
            profiler.disable()
        else:
            for stage, start, end in zip(STAGES, marks, marks[1:], strict=False):
                times[stage].append((end - start) * 1000)

    one(profiled=False)  # warm-up: caches, the first-name list, compiled statements
    for stage in STAGES:
        times[stage].clear()
    for _ in range(batches):
        one(profiled=False)
    for _ in range(batches):
        one(profiled=True)
    engine.dispose()
    total = sum(statistics.median(v) for v in times.values())
    lines = [f"### {label}", "", "| stage (500 creates) | processor time, median (ms) | range (ms) |",
             "| --- | ---: | ---: |"]
    lines += [f"| {stage} | {statistics.median(v):.1f} | {min(v):.1f}-{max(v):.1f} |" for stage, v in times.items()]
    lines += [f"| all | {total:.1f} | |", ""]
    for order, heading in (("cumulative", "by cumulative time"), ("tottime", "by own time")):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats(order).print_stats(top)
        rows = [row for row in buffer.getvalue().splitlines()
                if row.strip()[:1].isdigit() and "function calls" not in row]
        lines += [f"cProfile over {batches} batches, {heading} (top {top}):", "", "```",
                  "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)",
                  *[row.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "") for row in rows], "```", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--label", default="", help="what code was profiled (e.g. a commit), for the heading")
    args = parser.parse_args()
    one, five, fifteen = os.getloadavg()
    lines = [machine_heading(f"{args.batches} batches of 500 creates{', ' + args.label if args.label else ''}"), "",
             (f"Load average (1 / 5 / 15 min) at the start: {one:.1f} / {five:.1f} / {fifteen:.1f}, "
              f"on {os.cpu_count()} cores."), ""]
    with tempfile.TemporaryDirectory() as tmp:
        lines += profile_database("SQLite", f"sqlite:///{Path(tmp) / 'profile.db'}", args.batches, args.top)
    pg = postgres_url("profile")
    if pg:
        try:
            lines += profile_database("PostgreSQL", pg, args.batches, args.top)
        finally:
            drop_postgres(pg)
    record("\n".join(lines), name="sync_profile", title="Where a sync batch's time goes")


if __name__ == "__main__":
    main()
