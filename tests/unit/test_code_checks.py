"""The checks a maintainer expects, with the project's own settings (pyproject.toml): ruff's lint and import order
over the code, tests, benchmarks, scripts and migrations, and mypy, strict, over the app package. Zero findings;
a finding fails with the tool's own report."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing():
    # --config: the project's settings even where a user-level ruff.toml would otherwise be found first.
    done = run(str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), "--no-cache",
               "--output-format", "concise", "app", "tests", "bench", "scripts", "migrations")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def test_mypy_finds_nothing_in_the_app():
    done = run(str(BIN / "mypy"), "--config-file", str(ROOT / "pyproject.toml"))
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Success: no issues found" in done.stdout
    assert int(done.stdout.split(" source files")[0].rsplit(" ", 1)[-1]) > 100  # it really read the app
