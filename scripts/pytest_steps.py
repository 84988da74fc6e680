"""scripts/test.sh runs the suite in steps (the main suite, the dependency audit, the fuzzing); this adds their
results up into the one summary line pytest would have printed for a single run, so a run ends on the whole count.

As a pytest plugin (-p pytest_steps, with scripts/ on PYTHONPATH) it writes the step's counts and time to the file
named by PYTEST_STEP_RESULT; as a command it reads those files and prints the line:

    python scripts/pytest_steps.py RESULT.json...
"""

import json
import os
import sys
import time

# pytest's order in its summary line (_pytest.terminal.KNOWN_TYPES); a step's "deselected" are another step's tests.
ORDER = ["failed", "passed", "skipped", "xfailed", "xpassed", "warnings", "error"]


def pytest_sessionstart(session) -> None:
    session.config._step_started = time.monotonic()
    session.config._step_started_at = time.time()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    path = os.environ.get("PYTEST_STEP_RESULT")
    if not path or hasattr(config, "workerinput"):  # pytest-xdist's workers report to the controller
        return
    counts = {key: sum(1 for report in reports if getattr(report, "count_towards_summary", True))
              for key, reports in terminalreporter.stats.items() if key}
    with open(path, "w") as f:
        json.dump({"counts": counts, "seconds": time.monotonic() - config._step_started,
                   "started": config._step_started_at, "ended": time.time(), "exitstatus": int(exitstatus)}, f)


def word(key: str, n: int) -> str:
    if key == "error":
        return "error" if n == 1 else "errors"
    if key == "warnings":
        return "warning" if n == 1 else "warnings"
    return key


def duration(seconds: float) -> str:
    whole = int(seconds)
    if seconds < 60:
        return f"{seconds:.2f}s"
    return f"{seconds:.2f}s ({whole // 3600}:{whole // 60 % 60:02}:{whole % 60:02})"


def main(paths: list[str]) -> None:
    totals: dict[str, int] = {}
    spans: list[tuple[float, float]] = []
    for path in paths:
        try:
            with open(path) as f:
                step = json.load(f)
        except (OSError, ValueError):
            continue  # a step that could not start: its own output said why, and the script's status says it failed
        ended = step.get("ended", 0.0)
        spans.append((step.get("started", ended - step["seconds"]), ended))
        for key, n in step["counts"].items():
            if key != "deselected":
                totals[key] = totals.get(key, 0) + n
    # Steps may run side by side (the audit beside the fuzzing): the time is the time they spanned, counted once.
    seconds, reached = 0.0, float("-inf")
    for start, end in sorted(spans):
        seconds += max(0.0, end - max(start, reached))
        reached = max(reached, end)
    keys = [key for key in ORDER if totals.get(key)] + sorted(k for k in totals if k not in ORDER and totals[k])
    text = ", ".join(f"{totals[key]} {word(key, totals[key])}" for key in keys) or "no tests ran"
    print(f" {text} in {duration(seconds)} ".center(80, "="))


if __name__ == "__main__":
    main(sys.argv[1:])
