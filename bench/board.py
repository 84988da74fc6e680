"""Evidence board and file-sample summary at scale, beside a bare route, in one process.

Builds an SQLite database with the migrations, one inspection with a team of three, 5,000 evidence items
spread over the four proposals, aspects, judgements, sources and days, 300 case files and 150 activities,
then renders through the real app (in-process ASGI client, signed in as the lead):
  - GET /inspections/{id}/board?proposal=1 (the full page: counts and triangulation over all 1,250 items of the
    proposal, the latest 8 items of each aspect), filtered to one inspector, one aspect in full, and as the
    htmx fragment a filter change fetches,
  - GET /inspections/{id}/files/summary,
  - GET /bench/bare: a bare FastAPI route returning a static string, added to the same app.

    .venv/bin/python bench/board.py [--runs 40] [--record]

Target (fieldwork issue): the board under 150 ms at the 95th percentile on SQLite on this machine.
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
from _server import machine_heading, record  # noqa: E402

os.environ.setdefault("ENVIRONMENT", "test")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")


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
        aspects = [(p.number, a.code) for p in profile.proposals for a in p.aspects]
        items = []
        for n in range(items_count):
            proposal, aspect = aspects[n % len(aspects)]
            source = rng.choice(activities + reviews + [None])
            items.append(EvidenceItem(
                id=str(uuid.uuid4()), inspection_id=inspection.id, author_id=rng.choice(people).id,
                text=f"Fictional benchmark evidence number {n}, a sentence or two of what an inspector saw and heard "
                     "during a visit, long enough to be realistic.", proposal=proposal, aspect=aspect,
                judgement=rng.choice(["strength", "area_for_development", "context"]),
                strands=rng.sample(["education", "health", "social_care"], rng.randint(1, 2)),
                source_type=("file_review" if isinstance(source, FileReview) else source.kind) if source else "none",
                source_id=source.id if source else None, captured_on=rng.choice(days)))
        session.add_all(items)
        session.commit()
        return engine, inspection.id, people[0].id


def timings(client, path: str, runs: int) -> list[float]:
    client.get(path)  # warm
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app import db as app_db
    from app.main import create_app
    from app.users import service as users
    from app.users.deps import SESSION_COOKIE

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
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
        base = f"/inspections/{inspection_id}"
        results = {
            "bare route": timings(client, "/bench/bare", args.runs),
            "board, proposal 1 (1,250 items)": timings(client, f"{base}/board?proposal=1", args.runs),
            "board, proposal 1, one inspector": timings(client, f"{base}/board?proposal=1&inspector={lead_id}",
                                                        args.runs),
            "board, one aspect in full (~140 items)": timings(client, f"{base}/board?proposal=1&aspect=timeliness",
                                                              args.runs),
            "board, htmx filter fragment": timings(client, f"{base}/board?proposal=1&judgement=strength", args.runs),
            "file-sample summary (300 files)": timings(client, f"{base}/files/summary", args.runs),
        }
        size = len(client.get(f"{base}/board?proposal=1").content)
    bare = statistics.median(results["bare route"])
    lines = [
        machine_heading(f"SQLite, {args.runs} runs each"),
        "",
        "| request | median (ms) | p95 (ms) | median / bare route |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {name} | {statistics.median(v):.1f} | {p95(v):.1f} | {statistics.median(v) / bare:.0f}x |"
          for name, v in results.items()],
        "",
        (f"Board page for proposal 1: {size:,} bytes of HTML. Target: board p95 under 150 ms "
         f"({'met' if p95(results['board, proposal 1 (1,250 items)']) < 150 else 'NOT met'})."),
        "",
    ]
    report = "\n".join(lines)
    record(report, name="board", title="Evidence board and file-sample summary at 5,000 items and 300 files")


if __name__ == "__main__":
    main()
