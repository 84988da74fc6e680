"""The app under uvicorn on loopback for the benchmark scripts: one place to start it and to sign in."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(url: str, *args: str, stdin: str | None = None) -> None:
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "development"}
    subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                   input=stdin, text=True)


def serve(url: str, **extra_env: str) -> tuple[subprocess.Popen, str]:
    """Start the app on a migrated database; returns the process and its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "development", "LOG_LEVEL": "WARNING", **extra_env}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--port", str(port),
                             "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/healthz")
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


def postgres_url(purpose: str = "bench") -> str | None:
    """A new, empty PostgreSQL database for one benchmark run, or None when no server answers."""
    from sqlalchemy import text

    sys.path.insert(0, str(ROOT))
    from app.db import make_engine

    admin = make_engine("postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    name = f"sendfw_{purpose}_{os.getpid()}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL rows are left out and said so
        return None
    finally:
        admin.dispose()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_postgres(url: str) -> None:
    from sqlalchemy import text

    from app.db import make_engine

    admin = make_engine("postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def start_demo_server(workdir: Path) -> tuple[subprocess.Popen, str]:
    """SQLite in workdir, migrated, with the fictional demo."""
    url = f"sqlite:///{workdir / 'bench.db'}"
    cli(url, "migrate")
    cli(url, "seed-demo")
    return serve(url)


def sign_in(client: httpx.Client, email: str, password: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def machine_heading(what: str) -> str:
    """The heading every recorded result starts with: date, machine, and what was measured."""
    import platform
    from datetime import datetime

    today = datetime.now().astimezone().date().isoformat()
    return (f"## {today} on {platform.node()} ({platform.machine()}, {cpu_model()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}){', ' + what if what else ''}")


def cpu_model() -> str:
    """The processor's name as Linux gives it ("AMD EPYC"), so figures from two machines are not compared blind."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "processor unknown"


def record(report: str, *, name: str, title: str) -> None:
    """Print a report and, with --record on the command line, append it to bench/results/NAME.md."""
    print(report)
    if "--record" in sys.argv:
        out = ROOT / "bench" / "results" / f"{name}.md"
        if not out.exists():
            out.write_text(f"# {title}\n\nRecorded by `bench/{name}.py --record`.\n\n")
        with out.open("a") as f:
            f.write(report + "\n")
