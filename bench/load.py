"""A week of load: 30 inspectors across 6 concurrent inspections, five compressed days.

Each day every inspector reads the boards and the day plan while capturing offline (evidence items, case files,
activities, and edits of the day before's items), then syncs the day's ops in one batch at day's end, as the
team does over the hotel wifi. One device in ten loses the receipt and sends the whole batch again, to the
other process where there are two. The lead of each inspection reads the evening summary and pulls the
team's changes. At the end every op sent is looked up in the database: exactly once, none missing.

SQLite runs one app process; PostgreSQL runs two, the driver alternating between them. Loopback only,
bounded in count (fixed ops per inspector per day) and time (--max-seconds).

    .venv/bin/python bench/load.py [--record] [--only sqlite|postgresql]

Targets (production issue): zero errors; zero ops missing, zero duplicated (and here: zero lost updates).
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, cli, drop_postgres, machine_heading, postgres_url, record, serve

sys.path.insert(0, str(ROOT))
INSPECTIONS, TEAM, DAYS = 6, 5, 5
EVIDENCE_PER_DAY, FILES_PER_DAY, ACTIVITIES_PER_DAY, EDITS_PER_DAY = 30, 2, 2, 4
PASSWORD = "load-test-password-123"
ROLES = [("lead", "hmi"), ("cqc_inspector", "cqc"), ("ofsted_inspector", "ofsted_inspector"),
         ("ofsted_inspector", "ofsted_inspector"), ("la_inspector", "la_peer")]
ASPECTS = {1: "timeliness", 2: "child_satisfaction", 3: "leaders_meetings", 4: "online_survey"}


def set_up(url: str) -> list[dict]:
    """Migrate, then make the 30 fictional inspectors and 6 inspections with their teams."""
    from sqlmodel import Session

    from app import models  # noqa: F401
    from app.sync import feed
    feed.register()
    from app.audit.service import Actor
    from app.clock import today_in_england
    from app.db import make_engine
    from app.demo import demo_start_date
    from app.flows import setup
    from app.inspections import service as inspections
    from app.users import service as users

    cli(url, "migrate")
    engine = make_engine(url)
    actor = Actor.system("load-test")
    start = demo_start_date(today_in_england())  # a send-2016 week on site from its Monday
    plan = []
    with Session(engine) as session:
        for n in range(INSPECTIONS):
            people = []
            for m, (team_role, kind) in enumerate(ROLES):
                email = f"load-{n}-{m}@example.org"
                people.append((users.create_user(session=session, actor=actor, password=PASSWORD, form=users.UserForm(
                    email=email, name=f"Load Inspector {n}-{m} (fictional)", role="inspector", inspector_kind=kind,
                    home_area="Elsewhere (fictional)")), team_role))
            session.flush()
            inspection = setup.set_up_inspection(
                session=session, actor=actor, creator=people[0][0], form=inspections.InspectionForm(
                    local_area=f"Load Vale {n} (fictional)", la_code=f"9{n:02d}", framework="send-2016",
                    start_date=start.isoformat()))
            for user, team_role in people[1:]:
                inspections.add_team_member(session=session, actor=actor, inspection=inspection, email=user.email,
                                            team_role=team_role)
            days = [d.isoformat() for d in inspections.schedule_of(inspection).on_site_days]
            plan.append({"id": inspection.id, "days": days,
                         "team": [{"email": u.email, "user_id": u.id, "lead": r == "lead"} for u, r in people]})
        session.commit()
    engine.dispose()
    return plan


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.requests = 0

    async def call(self, client: httpx.AsyncClient, label: str, method: str, path: str,
                   **kwargs) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = await client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.errors.append(f"{label}: {type(error).__name__} {error}")
            return None
        finally:
            self.requests += 1
            self.latency[label].append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            self.errors.append(f"{label}: HTTP {response.status_code}")
        return response


class Inspector:
    def __init__(self, person: dict, inspection: dict, bases: list[str], stats: Stats, sent: dict):
        self.person, self.inspection, self.stats, self.sent = person, inspection, stats, sent
        self.clients = [httpx.AsyncClient(base_url=base, timeout=120) for base in bases]
        self.token = ""
        self.mine: dict[str, int] = {}  # evidence id -> version the device last saw
        self.cursor = ""
        self.team_items: dict[str, int] = {}  # evidence the lead saw in the change feed -> its version

    @property
    def client(self) -> httpx.AsyncClient:
        return self.clients[0]

    async def sign_in(self) -> None:
        page = await self.stats.call(self.client, "GET /login", "GET", "/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        await self.stats.call(self.client, "POST /login", "POST", "/login", data={
            "email": self.person["email"], "password": PASSWORD, "csrf_token": token})
        for other in self.clients[1:]:
            other.cookies = self.client.cookies  # one session, kept in the database, good on every process
        session = await self.stats.call(self.client, "GET /api/v1/session", "GET", "/api/v1/session")
        if session is None or session.status_code != 200:
            raise SystemExit(f"{self.person['email']} could not sign in: {self.stats.errors[-3:]}")
        self.token = session.json()["csrf_token"]

    def day_ops(self, day: str) -> list[dict]:
        iid, now = self.inspection["id"], datetime.now(UTC).isoformat()

        def op(entity, action, data, id_=None, base_version=None):
            return {"op_id": str(uuid.uuid4()), "entity": entity, "action": action, "id": id_ or str(uuid.uuid4()),
                    "inspection_id": iid, "base_version": base_version, "client_time": now, "data": data}

        ops = [op("activity", "create", {"kind": "meeting", "meeting_with": "young_people_group", "day": day,
                                         "inspector_ids": [self.person["user_id"]],
                                         "attendees": [{"role": "Youth worker", "organisation": ""}]})
               for _ in range(ACTIVITIES_PER_DAY)]
        ops += [op("file_review", "create", {"case_reference": f"L{iid}-{uuid.uuid4().hex[:6]}", "age_band": "16-19",
                                             "setting_type": "further_education", "sen_status": "sen_support",
                                             "primary_need": "SpLD"}) for _ in range(FILES_PER_DAY)]
        for n in range(EVIDENCE_PER_DAY):
            heading = 1 + n % 4
            ops.append(op("evidence_item", "create", {
                "text": f"Fictional load-test evidence {n} on {day}: parents described the help their child gets.",
                "heading": heading, "aspect": ASPECTS[heading], "judgement": random.choice(
                    ["strength", "area_for_development", "context"]), "strands": ["education"]}))
        for item_id in random.sample(sorted(self.mine), min(EDITS_PER_DAY, len(self.mine))):
            ops.append(op("evidence_item", "update", {
                "text": f"Fictional load-test evidence, edited on {day}.", "heading": 1, "aspect": "timeliness",
                "judgement": "strength", "strands": ["education"]}, id_=item_id, base_version=self.mine[item_id]))
        return ops

    async def read_during_the_day(self, day: str) -> None:
        iid = self.inspection["id"]
        for heading in range(1, 5):
            await self.stats.call(self.client, "GET board", "GET", f"/inspections/{iid}/board",
                                  params={"heading": heading})
        await self.stats.call(self.client, "GET plan", "GET", f"/inspections/{iid}/plan")
        if self.person["lead"]:
            await self.stats.call(self.client, "GET summary", "GET", f"/inspections/{iid}/summary", params={"day": day})
            await self.stats.call(self.client, "GET letter draft", "GET", f"/inspections/{iid}/letter")

    async def sync(self, ops: list[dict]) -> None:
        body = {"device_id": f"tablet-{self.person['email']}", "ops": ops}
        headers = {"X-CSRF-Token": self.token}
        responses = [await self.stats.call(self.client, "POST /api/v1/sync", "POST", "/api/v1/sync", json=body,
                                           headers=headers)]
        if random.random() < 0.1:  # the receipt was lost: the device sends the whole batch again
            responses.append(await self.stats.call(self.clients[-1], "POST /api/v1/sync", "POST", "/api/v1/sync",
                                                   json=body, headers=headers))
        for response in responses:
            if response is None or response.status_code != 200:
                continue
            for op, result in zip(ops, response.json()["results"], strict=True):
                if op["op_id"] not in self.sent or result["status"] != "duplicate":  # keep the first answer
                    self.sent[op["op_id"]] = (op, result["status"])
                if op["entity"] == "evidence_item" and result["status"] in {"applied", "duplicate"}:
                    self.mine[op["id"]] = result["version"]

    async def pull(self) -> None:
        while True:
            page = await self.stats.call(self.client, "GET changes", "GET",
                                         f"/api/v1/inspections/{self.inspection['id']}/changes",
                                         params={"since": self.cursor})
            if page is None or page.status_code != 200:
                return
            body = page.json()
            for change in body["changes"]:
                if change["entity"] == "evidence_item" and not change["deleted"]:
                    self.team_items[change["id"]] = change["version"]
            self.cursor = body["cursor"]
            if not body["more"]:
                return

    async def day(self, index: int) -> None:
        day = self.inspection["days"][index % len(self.inspection["days"])]
        await asyncio.sleep(random.uniform(0, 0.5))  # the team does not move in step
        ops = self.day_ops(day)
        await self.read_during_the_day(day)
        await self.sync(ops)
        if self.person["lead"]:
            await self.pull()
            await self.sync(self.lead_edits(day))

    def lead_edits(self, day: str) -> list[dict]:
        """The lead tightens the wording of the team's evidence from the feed; an edit racing the author's own is
        a conflict kept for the team, never a lost update."""
        now = datetime.now(UTC).isoformat()
        chosen = random.sample(sorted(self.team_items), min(5, len(self.team_items)))
        return [{"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "update", "id": item_id,
                 "inspection_id": self.inspection["id"], "base_version": self.team_items[item_id], "client_time": now,
                 "data": {"text": f"Fictional evidence, reworded by the lead on {day}.", "heading": 1,
                          "aspect": "timeliness", "judgement": "strength", "strands": ["education"]}}
                for item_id in chosen]

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


async def a_week(plan: list[dict], bases: list[str], max_seconds: float) -> tuple[Stats, dict, float]:
    stats, sent = Stats(), {}
    people = [Inspector(person, inspection, bases[i % len(bases):] + bases[:i % len(bases)], stats, sent)
              for inspection in plan for i, person in enumerate(inspection["team"])]
    start = time.perf_counter()
    try:
        await asyncio.wait_for(_run(people), timeout=max_seconds)
    finally:
        for person in people:
            await person.close()
    return stats, sent, time.perf_counter() - start


async def _run(people: list[Inspector]) -> None:
    await asyncio.gather(*(p.sign_in() for p in people))
    for day in range(DAYS):
        await asyncio.gather(*(p.day(day) for p in people))


def exactly_once(url: str, plan: list[dict], sent: dict) -> dict:
    """Every op sent: its receipt stored once; every create: its record stored once; no record nobody sent."""
    from sqlalchemy import text

    from app.db import make_engine

    engine = make_engine(url)
    ids = [i["id"] for i in plan]
    with engine.connect() as conn:
        receipts = set(conn.execute(text("SELECT op_id FROM sync_operations")).scalars())
        versions = dict(conn.execute(text(f"SELECT id, version FROM evidence_items WHERE inspection_id IN "
                                          f"({','.join(map(str, ids))})")).all())
        stored: dict[str, list[str]] = {}
        for entity, table in (("evidence_item", "evidence_items"), ("activity", "activities"),
                              ("file_review", "file_reviews")):
            query = f"SELECT id FROM {table} WHERE inspection_id IN ({','.join(map(str, ids))})"
            stored[entity] = list(conn.execute(text(query)).scalars())
    engine.dispose()
    missing_receipts = [op_id for op_id in sent if op_id not in receipts]
    created = defaultdict(set)
    for op, _status in sent.values():
        if op["action"] == "create":
            created[op["entity"]].add(op["id"])
    missing = sum(len(created[e] - set(rows)) for e, rows in stored.items())
    duplicated = sum(len(rows) - len(set(rows)) + len(set(rows) - created[e]) for e, rows in stored.items())
    statuses, applied_edits = defaultdict(int), defaultdict(int)
    for op, status in sent.values():
        statuses[status] += 1
        if op["action"] == "update" and status == "applied":
            applied_edits[op["id"]] += 1
    # Every applied edit raised the version by one: a version short of 1 + edits would be a lost update.
    lost = sum(1 for item_id, version in versions.items() if version != 1 + applied_edits[item_id])
    return {"ops": len(sent), "missing_receipts": len(missing_receipts), "missing": missing, "duplicated": duplicated,
            "lost_updates": lost, "statuses": dict(statuses)}


def run(label: str, url: str, processes: int, max_seconds: float) -> dict:
    plan = set_up(url)
    servers = [serve(url) for _ in range(processes)]
    try:
        stats, sent, seconds = asyncio.run(a_week(plan, [base for _, base in servers], max_seconds))
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait()
    return {"label": label, "processes": processes, "stats": stats, "seconds": seconds,
            "check": exactly_once(url, plan, sent)}


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(results: list[dict]) -> str:
    lines = [machine_heading(f"{INSPECTIONS} inspections x {TEAM} inspectors, {DAYS} days, "
                             f"{EVIDENCE_PER_DAY + FILES_PER_DAY + ACTIVITIES_PER_DAY}+ ops per inspector per day"), ""]
    for r in results:
        stats, check = r["stats"], r["check"]
        errors = f" ({', '.join(sorted(set(stats.errors))[:5])})" if stats.errors else ""
        lines += [(f"**{r['label']}, {r['processes']} app process{'es' if r['processes'] > 1 else ''}**: "
                   f"{stats.requests:,} requests in {r['seconds']:.1f} s = "
                   f"{stats.requests / r['seconds']:.0f} requests/s; "
                   f"errors: {len(stats.errors)}{errors}; "
                   f"exactly once: {check['ops']:,} ops sent, {check['missing_receipts']} without a receipt, "
                   f"{check['missing']} records missing, {check['duplicated']} duplicated, "
                   f"{check['lost_updates']} lost updates "
                   f"(results: {', '.join(f'{k} {v:,}' for k, v in sorted(check['statuses'].items()))})"), "",
                  "| endpoint | requests | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: | ---: |"]
        for label, values in sorted(stats.latency.items()):
            lines.append(f"| {label} | {len(values):,} | {pct(values, 50):.0f} | {pct(values, 95):.0f} | "
                         f"{pct(values, 99):.0f} |")
        lines.append("")
    lines.append("Targets: zero errors; zero missing, zero duplicated, zero lost updates. "
                 "(Each sync carries one inspector's day: "
                 f"{ACTIVITIES_PER_DAY} activities, {FILES_PER_DAY} case files, {EVIDENCE_PER_DAY} evidence items, "
                 f"up to {EDITS_PER_DAY} edits; each lead then rewords 5 of the team's items from the change feed, "
                 "so some edits race and become conflicts. "
                 "The lead also redrafts the outcome letter from the evidence each "
                 "day; its editor is not built yet, so nobody edits its text.)\n")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    random.seed(20261122)
    results = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(run("SQLite", f"sqlite:///{Path(tmp) / 'load.db'}", 1, args.max_seconds))
    if args.only in (None, "postgresql"):
        pg = postgres_url("load")
        if pg:
            try:
                results.append(run("PostgreSQL", pg, 2, args.max_seconds))
            finally:
                drop_postgres(pg)
        else:
            print("PostgreSQL: not run, no server at 127.0.0.1:5432")
    out = report(results)
    record(out, name="load", title="A week of load")
    checked = ("missing", "duplicated", "missing_receipts", "lost_updates")
    failed = any(r["stats"].errors or any(r["check"][k] for k in checked) for r in results)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
