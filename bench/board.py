"""Evidence board and file-sample summary at scale, beside a bare route, in one process, on SQLite and PostgreSQL.

Builds a database with the migrations (SQLite in a temporary directory; PostgreSQL as a database of its own on
127.0.0.1:5432, dropped afterwards), one inspection with a team of three, 5,000 evidence items spread over the
four headings, aspects, judgements, sources and days, 300 case files and 150 activities, then requests through
the real app (in-process ASGI test client, signed in as the lead):
  - GET /bench/bare, the baseline: a bare FastAPI route returning a static string, added to the same app, so it
    pays what every request pays (the test client, the middleware, the access log, and the app-wide address and
    CSRF checks, which read the sign-in session) and nothing else,
  - GET /inspections/{id}/board?heading=1: the full page (counts and triangulation over all 1,250 items of the
    heading, the latest 8 items of each aspect); the fragment an htmx filter change fetches (HX-Request: true,
    judgement=strength); the board filtered to one inspector; one aspect in full,
  - GET /inspections/{id}/files/summary.
Requests go round by round, one of each per round, so that whatever else the machine is doing falls on all of them
alike; each request's median and 95th percentile are compared with the bare route's, over all rounds and pass by
pass. The processor time column is this process's (all its threads), which other load on the machine disturbs
less than the clock; PostgreSQL's own work is not in it.

    .venv/bin/python bench/board.py [--runs 100] [--passes 3] [--database sqlite|postgresql|both] [--record]
    .venv/bin/python bench/board.py --loop board --seconds 30 --database sqlite   # one request over and over, for
        a sampling profiler: py-spy record -f raw -o board.txt -- .venv/bin/python bench/board.py --loop board ...

Target (issue 19): the board page and its fragment within 3x of the bare route, median and p95, on both databases.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _server import drop_postgres, machine_heading, postgres_url, record  # noqa: E402

os.environ.setdefault("ENVIRONMENT", "test")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

TARGET = 3.0  # times the bare route, median and p95


def build(url: str, items_count: int = 5000):
    from sqlmodel import Session

    from app import migrate
    from app.audit.service import Actor
    from app.db import make_engine
    from app.evidence.models import EvidenceItem
    from app.fieldwork.models import Activity, FileReview
    from app.flows import setup
    from app.inspections import service as inspections
    from app.users import service as users

    migrate.upgrade(url)
    engine = make_engine(url)
    rng = random.Random(2026)
    with Session(engine) as session:
        system = Actor.system("bench")
        people = [users.create_user(session=session, actor=system, password="bench-password-123",
                                    form=users.UserForm(email=f"{k}@example.org", name=f"Bench {k}", role="inspector",
                                                        inspector_kind=k)) for k in ("hmi", "cqc", "ofsted_inspector")]
        form = inspections.InspectionForm(local_area="Benchmark Vale (fictional)", la_code="999", framework="send-2016",
                                          start_date="2027-03-08")
        inspection = setup.set_up_inspection(session=session, actor=system, creator=people[0], form=form)
        for person, role in ((people[1], "cqc_inspector"), (people[2], "ofsted_inspector")):
            inspections.add_team_member(session=session, actor=system, inspection=inspection, email=person.email,
                                        team_role=role)
        profile = inspections.profile_of(inspection)
        days = inspections.schedule_of(inspection).on_site_days
        activities = [Activity(id=str(uuid.uuid4()), inspection_id=inspection.id,
                               kind=rng.choice(["setting_visit", "meeting", "document_review"]),
                               title=f"Activity {n}", day=rng.choice(days), inspector_ids=[rng.choice(people).id])
                      for n in range(150)]
        session.add_all(activities)
        rated = [a.code for _, a in profile.file_review_aspects()]
        ratings = ["strong", "adequate", "weak", "not_evidenced"]
        reviews = [FileReview(id=str(uuid.uuid4()), inspection_id=inspection.id, case_reference=f"B-{n:03d}",
                              age_band="5-10", setting_type="mainstream_school", sen_status="plan_in_place",
                              primary_need="ASD", assessment_requested_on=date(2026, 1, 5),
                              plan_issued_on=date(2026, 5, rng.randint(1, 31)), attendance_percent=rng.uniform(30, 100),
                              ratings={c: {"rating": rng.choice(ratings), "comment": ""} for c in rated})
                   for n in range(300)]
        session.add_all(reviews)
        session.flush()
        aspects = [(p.number, a.code) for p in profile.headings for a in p.aspects]
        items = []
        for n in range(items_count):
            heading, aspect = aspects[n % len(aspects)]
            source = rng.choice(activities + reviews + [None])
            items.append(EvidenceItem(
                id=str(uuid.uuid4()), inspection_id=inspection.id, author_id=rng.choice(people).id,
                text=f"Fictional benchmark evidence number {n}, a sentence or two of what an inspector saw and heard "
                     "during a visit, long enough to be realistic.", heading=heading, aspect=aspect,
                judgement=rng.choice(["strength", "area_for_development", "context"]),
                strands=rng.sample(["education", "health", "social_care"], rng.randint(1, 2)),
                source_type=("file_review" if isinstance(source, FileReview) else source.kind) if source else "none",
                source_id=source.id if source else None,
                **dict.fromkeys(("captured_on", "observed_on"), rng.choice(days))))
        session.add_all(items)
        session.commit()
        inspection_id, lead_id = inspection.id, people[0].id
    if engine.dialect.name == "postgresql":  # what autovacuum does after a day of capture: fresh statistics
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return engine, inspection_id, lead_id


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def requests_for(base: str, lead_id: int) -> dict[str, tuple[str, dict]]:
    """What is timed: a name, and the path and headers of its request."""
    htmx = {"HX-Request": "true"}
    return {
        "bare route (baseline)": ("/bench/bare", {}),
        "board, heading 1 (1,250 items)": (f"{base}/board?heading=1", {}),
        "board, htmx filter fragment": (f"{base}/board?heading=1&judgement=strength", htmx),
        "board, heading 1, one inspector": (f"{base}/board?heading=1&inspector={lead_id}", {}),
        "board, one aspect in full (~210 items)": (f"{base}/board?heading=1&aspect=timeliness", {}),
        "file-sample summary (300 files)": (f"{base}/files/summary", {}),
    }


def signed_in_client(url: str):
    """The app on a freshly built database, and a client signed in as the inspection's lead."""
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app import db as app_db
    from app.main import create_app
    from app.users import service as users
    from app.users.deps import SESSION_COOKIE

    engine, inspection_id, lead_id = build(url)
    app_db.set_engine(engine)
    app = create_app()
    app.get("/bench/bare")(lambda: "ok")
    with Session(engine) as session:
        token, _ = users.start_session(session=session, user=users.get_user(session=session, user_id=lead_id),
                                       ip_address="127.0.0.1")
        session.commit()
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, token)
    return client, engine, f"/inspections/{inspection_id}", lead_id


def statements(engine, client, path: str, headers: dict) -> int:
    """SQL statements one request sends."""
    from sqlalchemy import event

    sent = []

    def count(*_):
        sent.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


PAGE, FRAGMENT, BARE = "board, heading 1 (1,250 items)", "board, htmx filter fragment", "bare route (baseline)"


def ratios(times: dict[str, list[float]], name: str) -> tuple[float, float]:
    """A request's median and 95th percentile, each over the bare route's."""
    bare = times[BARE]
    return statistics.median(times[name]) / statistics.median(bare), p95(times[name]) / p95(bare)


def measure(url: str, label: str, runs: int, passes: int) -> list[str]:
    client, engine, base, lead_id = signed_in_client(url)
    timed = requests_for(base, lead_id)
    for path, headers in timed.values():  # warm: templates compiled, statements built
        for _ in range(3):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
    wall: dict[str, list[float]] = {name: [] for name in timed}
    cpu: dict[str, list[float]] = {name: [] for name in timed}  # the process's processor time, all threads
    each_pass = []
    load_before = os.getloadavg()
    for _ in range(passes):
        this_pass: dict[str, list[float]] = {name: [] for name in timed}
        for _ in range(runs):
            for name, (path, headers) in timed.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(path, headers=headers)
                cpu[name].append((time.process_time() - start_cpu) * 1000)
                this_pass[name].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
        each_pass.append(this_pass)
        for name, values in this_pass.items():
            wall[name] += values
    load_after = os.getloadavg()
    page_path, _ = timed[PAGE]
    fragment_path, htmx = timed[FRAGMENT]
    page, fragment = client.get(page_path), client.get(fragment_path, headers=htmx)
    sent = {name: statements(engine, client, *timed[name]) for name in (PAGE, FRAGMENT)}
    engine.dispose()
    bare_cpu = statistics.median(cpu[BARE])
    lines = [
        machine_heading(f"{label}, {passes} passes of {runs} rounds"),
        "",
        (f"Load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in load_before)} before, "
         f"{' '.join(f'{x:.2f}' for x in load_after)} after."),
        "",
        "| request | median (ms) | p95 (ms) | median / bare | p95 / bare | processor time, median (ms) | / bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *[f"| {name} | {statistics.median(v):.1f} | {p95(v):.1f} | {ratios(wall, name)[0]:.1f}x "
          f"| {ratios(wall, name)[1]:.1f}x | {statistics.median(cpu[name]):.1f} "
          f"| {statistics.median(cpu[name]) / bare_cpu:.1f}x |" for name, v in wall.items()],
        "",
        "Each pass on its own, median / p95 over the bare route's: "
        + "; ".join(f"pass {n}: page {ratios(times, PAGE)[0]:.1f}x / {ratios(times, PAGE)[1]:.1f}x, "
                    f"fragment {ratios(times, FRAGMENT)[0]:.1f}x / {ratios(times, FRAGMENT)[1]:.1f}x"
                    for n, times in enumerate(each_pass, start=1)) + ".",
        "",
    ]
    verdicts = []
    for name in (PAGE, FRAGMENT):
        median_ratio, p95_ratio = ratios(wall, name)
        met = median_ratio <= TARGET and p95_ratio <= TARGET
        verdicts.append(f"{name}: {median_ratio:.1f}x median, {p95_ratio:.1f}x p95, "
                        f"{'within' if met else 'NOT within'} {TARGET:.0f}x")
    lines += [
        "Target, the board within 3x of the bare route: " + "; ".join(verdicts) + ".",
        (f"Board page {len(page.content):,} bytes of HTML, fragment {len(fragment.content):,} "
         f"({'both gzipped' if page.headers.get('content-encoding') == 'gzip' else 'not compressed'} on the way); "
         f"SQL statements per request: page {sent[PAGE]}, fragment {sent[FRAGMENT]}."),
        "",
    ]
    return lines


def loop(url: str, which: str, seconds: float) -> None:
    """One request over and over, for a profiler to sample."""
    import logging

    client, engine, base, lead_id = signed_in_client(url)
    path, headers = requests_for(base, lead_id)[{"board": PAGE, "fragment": FRAGMENT, "bare": BARE}[which]]
    logging.disable(logging.INFO)
    client.get(path, headers=headers)
    count, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        client.get(path, headers=headers)
        count += 1
    print(f"{which}: {count} requests in {seconds:.0f} s", file=sys.stderr)
    engine.dispose()


def on_each_database(database: str, work) -> list[str]:
    """Run work(url, label) on SQLite, PostgreSQL or both; PostgreSQL in a database of its own, dropped after."""
    out = []
    if database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            out += work(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite") or []
    if database in ("postgresql", "both"):
        url = postgres_url("board")
        if url is None:
            out += ["PostgreSQL: no server answered at 127.0.0.1:5432; not measured.", ""]
        else:
            try:
                out += work(url, "PostgreSQL") or []
            finally:
                drop_postgres(url)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100, help="rounds of one request of each kind, per pass")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--loop", choices=["board", "fragment", "bare"], help="repeat one request (for a profiler)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # the test client's own line per request, not the app's
    if args.loop:
        on_each_database(args.database, lambda url, _: loop(url, args.loop, args.seconds))
        return
    lines = on_each_database(args.database, lambda url, label: measure(url, label, args.runs, args.passes))
    record("\n".join(lines), name="board", title="Evidence board and file-sample summary at 5,000 items and 300 files")


if __name__ == "__main__":
    main()
