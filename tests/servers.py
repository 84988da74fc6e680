"""The app under uvicorn on loopback, as a real process: for the browser tests and the multi-process tests."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(**values: str) -> dict[str, str]:
    """The environment for an app process or command: this one's with `values`. The suite's cheap password hashing
    is left behind when the child is not ENVIRONMENT=test, where the app refuses it."""
    env = {**os.environ, **values}
    if env.get("ENVIRONMENT") != "test":
        env.pop("PASSWORD_HASHING", None)
    return env


def run_cli(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, check=True, capture_output=True)


class AppServer:
    """One app process on its own port. By default on a new SQLite database in workdir, migrated and seeded
    with the fictional demo; given a database_url, it serves that database as it is. It can be stopped
    (killed, as when a server falls over) and started again. env adds to its environment; command(port) replaces
    the uvicorn command line (the production image's, say)."""

    def __init__(self, workdir: Path, database_url: str | None = None, name: str = "server", env: dict | None = None,
                 command: Callable[[int], list[str]] | None = None):
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.env = environment(**{"DATABASE_URL": database_url or f"sqlite:///{workdir / 'live.db'}",
                                  "ENVIRONMENT": "test", "SECRET_KEY": "e2e-secret-key-that-is-long-enough-0123456789",
                                  "UPLOAD_DIR": str(workdir / "uploads"), **(env or {})})
        self.command = command or (lambda port: [
            sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log"])
        if database_url is None:
            run_cli(self.env, "migrate")
            run_cli(self.env, "seed-demo")
        self.port = 0
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **env: str) -> None:
        """The first start asks for port 0 and reads the port it was given from uvicorn's log, so no other process (a
        server of another pytest-xdist worker, say) can take it between choosing and binding; a restart takes the
        same port again, as a restarted server would."""
        self.env.update(env)
        logged = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command(self.port), cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            if not self.port:
                with open(self.log_path, "rb") as log:
                    log.seek(logged)
                    running = re.search(rb"Uvicorn running on http://127\.0\.0\.1:(\d+)", log.read())
                if running:
                    self.port = int(running.group(1))
                else:
                    time.sleep(0.1)
                    continue
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"the app did not start: {self.log_path.read_text()}")

    def logged_requests(self, request_ids: set[str], wait: float = 5.0) -> list[dict]:
        """This process's access-log lines (JSON) for these request ids, waiting up to `wait` seconds for one of
        each: the app writes a request's line once the response has gone, so the client can hold it first."""
        deadline = time.monotonic() + wait
        while True:
            found = [record for line in self.log_path.read_text().splitlines() if line.startswith("{")
                     for record in [json.loads(line)]
                     if record.get("message") == "request" and record.get("request_id") in request_ids]
            if {record["request_id"] for record in found} == request_ids or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
