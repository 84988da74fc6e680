"""A scripted attack on sign-in, on loopback against a real server (uvicorn, SQLite, the fictional demo):
1,000 password guesses at one account from 20 concurrent connections, with the right password sent as guess
number 500; then the same against the administrator's code; then a spray of 1,000 guesses over 200 addresses.

What must hold: no guess signs in; no server error (before the password check moved out of the database
transaction, concurrent sign-ins queued on SQLite's write lock behind each Argon2 check and some failed after the
30-second busy timeout); the account locks after LOGIN_MAX_FAILURES (5) and stays locked whatever
arrives, the right password included; every refusal is audited; an address that does not exist is treated the
same as one that does. The figures (answers by kind, time taken) are recorded.

    .venv/bin/python bench/login_attack.py [--record]
"""

import argparse
import asyncio
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import cli, machine_heading, record, serve

CONCURRENCY = 20
LOCKED = "too many failed attempts"


async def guess(base: str, email: str, password: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = await client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        if answer.status_code == 303:
            return "signed in" if "two-factor" not in answer.headers["location"] else "password accepted, code asked"
        if answer.status_code >= 500:
            return f"server error {answer.status_code}"
        return "refused: locked" if LOCKED in answer.text.lower() else "refused: wrong password"


async def attack(base: str, attempts: list[tuple[str, str]]) -> tuple[Counter, float]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(email, password):
        async with gate:
            return await guess(base, email, password)

    started = time.perf_counter()
    results = await asyncio.gather(*(one(e, p) for e, p in attempts))
    return Counter(results), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true")
    parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'attack.db'}"
        cli(url, "migrate")
        cli(url, "seed-demo")
        proc, base = serve(url)
        try:
            lead = [("lead@example.org", "demo-lead-password" if n == 499 else f"guess-{n:04d}") for n in range(1000)]
            one_account, t1 = asyncio.run(attack(base, lead))
            admin = [("admin@example.org", "demo-admin-password" if n == 499 else f"guess-{n:04d}")
                     for n in range(1000)]
            admin_account, t2 = asyncio.run(attack(base, admin))
            spray = [(f"person{n % 200}@example.org", f"Spring2026!{n}") for n in range(1000)]
            sprayed, t3 = asyncio.run(attack(base, spray))
        finally:
            proc.terminate()
            proc.wait()
        db = sqlite3.connect(Path(workdir) / "attack.db")
        audited = dict(db.execute("SELECT action, count(*) FROM audit_events WHERE action LIKE 'login.%' "
                                  "GROUP BY action").fetchall())
    lines = [machine_heading("SQLite, one uvicorn process, 20 concurrent connections on loopback"), "",
             "| attack | attempts | answers | time |", "|---|---|---|---|"]
    for name, counts, seconds in (("one inspector's account, right password as guess 500", one_account, t1),
                                  ("the administrator's account, right password as guess 500", admin_account, t2),
                                  ("a spray: 1,000 guesses over 200 addresses that do not exist", sprayed, t3)):
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        lines.append(f"| {name} | {sum(counts.values()):,} | {answers} | {seconds:.1f} s |")
    lines += ["", f"Audited: {', '.join(f'{k} {v:,}' for k, v in sorted(audited.items()))}.", ""]
    report = "\n".join(lines)
    record(report, name="login_attack", title="A scripted attack of 1,000 sign-in attempts")
    assert one_account.get("signed in", 0) == 0 and admin_account.get("signed in", 0) == 0
    assert admin_account.get("password accepted, code asked", 0) == 0, "the right password got through a lock"
    assert sprayed.get("signed in", 0) == 0
    assert not any(k.startswith("server error") for c in (one_account, admin_account, sprayed) for k in c)


if __name__ == "__main__":
    main()
