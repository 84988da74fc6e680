"""How long the fictional demo takes to load (app.demo.seed and its commit, as `python -m app.cli seed-demo` runs
it), on a freshly migrated database: SQLite always, PostgreSQL when a server answers. The imports and the
migrations are not counted: they are the same with or without the demo. Wall time and this process's CPU time
(all its threads; steadier than wall time on a shared machine, but without PostgreSQL's own work).

    .venv/bin/python bench/demo_load.py [--runs 5] [--record]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, cli, drop_postgres, machine_heading, postgres_url, record

sys.path.insert(0, str(ROOT))


def one_load(url: str) -> tuple[float, float]:
    from sqlmodel import Session

    from app import demo
    from app.db import make_engine

    cli(url, "migrate")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            started, cpu = time.perf_counter(), time.process_time()
            demo.seed(session=session)
            session.commit()
            return time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    from app import models as _all_tables  # noqa: F401  (every table, as the command line has them)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        times = [one_load(f"sqlite:///{Path(tmp) / f'demo{n}.db'}") for n in range(args.runs)]
        rows.append(("SQLite", times))
    pg_times = []
    for _ in range(args.runs):
        url = postgres_url("demo_load")
        if url is None:
            break
        try:
            pg_times.append(one_load(url))
        finally:
            drop_postgres(url)
    if pg_times:
        rows.append(("PostgreSQL", pg_times))
    lines = [machine_heading(f"the demo loaded {args.runs} times on a fresh database"), "",
             "| Database | wall, median (s) | wall, fastest (s) | wall, slowest (s) | CPU, median (s) |",
             "|---|---|---|---|---|"]
    lines += [f"| {name} | {statistics.median(w for w, _ in t):.2f} | {min(w for w, _ in t):.2f} | "
              f"{max(w for w, _ in t):.2f} | {statistics.median(c for _, c in t):.2f} |" for name, t in rows]
    record("\n".join(lines) + "\n", name="demo_load", title="Loading the fictional demo")


if __name__ == "__main__":
    main()
