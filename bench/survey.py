"""The online survey under load: how many answers per second the server accepts from 50 concurrent clients
(an asyncio httpx load generator in its own process, on loopback), and how long the results page takes to
render with 2,000 responses, beside a bare route (/healthz) on the same server.

Each client is a separate browser (its own cookies): it fetches the questionnaire, then sends it. All clients
share 127.0.0.1, so the server runs with SURVEY_RATE_LIMIT raised; everything else (CSRF, the one-time form id,
validation) is as in production. SQLite, one app process.

    .venv/bin/python bench/survey.py [--answers 1000] [--runs 30] [--record]
"""

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, cli, machine_heading, record, serve, sign_in

sys.path.insert(0, str(ROOT))
CLIENTS = 50
ANSWERS = {"q-needs_met": ["very_satisfied", "satisfied", "dissatisfied", "very_dissatisfied", "dont_know"],
           "q-progress": ["very_satisfied", "satisfied", "dissatisfied", "dont_know"],
           "q-involved": ["very_well", "quite_well", "not_well", "not_at_all"], "q-worked_together": ["yes", "no"]}


def set_up(url: str) -> tuple[int, str]:
    """A lead, and a send-2016 inspection whose questionnaires are open today (the demo's week on site)."""
    from app.clock import today_in_england
    from app.demo import demo_start_date

    cli(url, "migrate")
    cli(url, "create-user", "--email", "bench@example.org", "--name", "Bench HMI", "--role", "inspector",
        "--inspector-kind", "hmi", stdin="bench-password-123\n")
    return 0, demo_start_date(today_in_england()).isoformat()


async def one_parent(base: str, link: str, stats: dict) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get(link)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        submission = re.search(r'name="submission_id" value="([^"]+)"', page.text).group(1)
        start = time.perf_counter()
        response = await client.post(link, data={
            "csrf_token": token, "submission_id": submission, "respondent_type": "parent_carer", "website": "",
            **{q: random.choice(options) for q, options in ANSWERS.items()}, "support": ["ehc_plan"],
            "comment": "A fictional comment from the load test about waiting times for therapy."})
        stats["post_ms"].append((time.perf_counter() - start) * 1000)
        stats["ok" if response.status_code == 303 else "failed"] += 1


async def answer_at_once(base: str, link: str, answers: int) -> dict:
    stats = {"ok": 0, "failed": 0, "post_ms": []}
    queue = asyncio.Queue()
    for _ in range(answers):
        queue.put_nowait(None)

    async def worker():
        while not queue.empty():
            queue.get_nowait()
            await one_parent(base, link, stats)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    stats["seconds"] = time.perf_counter() - start
    return stats


def add_responses(url: str, inspection_id: int, total: int) -> None:
    from sqlmodel import Session

    from app import models  # noqa: F401
    from app.sync import feed
    feed.register()
    from app.db import make_engine
    from app.inspections.models import Inspection
    from app.survey import service
    from app.survey.content import questionnaires
    from app.survey.models import SurveyResponse

    engine = make_engine(url)
    rng = random.Random(2026)
    with Session(engine) as session:
        window = service.window_of(session.get(Inspection, inspection_id))
        have = len(service.responses(session=session, inspection=session.get(Inspection, inspection_id)))
        for n in range(total - have):
            audience = "young_person" if n % 3 == 0 else "parent_carer"
            q = questionnaires()[audience]
            session.add(SurveyResponse(
                inspection_id=inspection_id, audience=audience, respondent_type=rng.choice(q.respondent_types).code,
                answers={x.code: rng.choice(x.options).code for x in q.questions},
                support=sorted(rng.sample([c.code for c in q.support if c.code != "none"], 2)),
                comment=rng.choice(["", "", "Fictional: the therapy waiting list is long.",
                                    "Fictional: school is great."]),
                submitted_on=window.opens + timedelta(days=n % 4), submitted_hour=n % 24,
                submission_id=str(uuid.uuid4())))
        session.commit()
    engine.dispose()


def timed(client: httpx.Client, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'survey.db'}"
        _, start_date = set_up(url)
        server, base = serve(url, SURVEY_RATE_LIMIT="1000000")
        try:
            with httpx.Client(base_url=base, timeout=60) as lead:
                sign_in(lead, "bench@example.org", "bench-password-123")
                csrf = lead.get("/api/v1/session").json()["csrf_token"]
                inspection_id = lead.post("/api/v1/inspections", headers={"X-CSRF-Token": csrf}, json={
                    "local_area": "Survey Vale (fictional)", "la_code": "999", "framework": "send-2016",
                    "start_date": start_date}).json()["id"]
                page = lead.get(f"/inspections/{inspection_id}/survey").text
                link = re.search(r'href="https?://[^/]+(/s/[^"]+)"', page).group(1)
                stats = asyncio.run(answer_at_once(base, link, args.answers))
                add_responses(url, inspection_id, 2000)
                results_path = f"/inspections/{inspection_id}/survey"
                timed(lead, results_path, 3)  # warm-up
                page_ms = timed(lead, results_path, args.runs)
                bare_ms = timed(lead, "/healthz", args.runs)
                assert "2000 responses" in lead.get(results_path).text
        finally:
            server.terminate()
            server.wait()
    p95 = lambda xs: statistics.quantiles(xs, n=20, method="inclusive")[18]  # noqa: E731
    report = "\n".join([
        machine_heading(f"SQLite, one app process, {CLIENTS} concurrent clients"), "",
        (f"- Answers accepted: {stats['ok']:,} of {args.answers:,} in {stats['seconds']:.1f} s = "
         f"**{stats['ok'] / stats['seconds']:.0f} answers/s** (each: GET the questionnaire, POST it); failed: "
         f"{stats['failed']}; POST latency p50 {statistics.median(stats['post_ms']):.0f} ms, "
         f"p95 {p95(stats['post_ms']):.0f} ms."),
        (f"- Results page with 2,000 responses (charts, tables and comments): median "
         f"**{statistics.median(page_ms):.0f} ms**, p95 {p95(page_ms):.0f} ms over {args.runs} runs; "
         f"bare route /healthz on the same server: median {statistics.median(bare_ms):.1f} ms "
         f"(ratio {statistics.median(page_ms) / statistics.median(bare_ms):.0f}x)."), ""])
    record(report, name="survey", title="Online survey under load")


if __name__ == "__main__":
    main()
