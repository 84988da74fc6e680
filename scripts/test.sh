#!/usr/bin/env bash
# Install the test dependencies and run the whole suite: unit, integration (SQLite and PostgreSQL) and
# browser tests (Debian's Chromium) on every core, then the dependency audit and the fuzzing as steps of their own.
# With arguments it runs just pytest with them (./scripts/test.sh tests/unit -q).
# With CI=true it also starts PostgreSQL and installs Chromium and Caddy when they are missing, and the tests
# that need them fail rather than skip.
set -euo pipefail
source "$(dirname "$0")/_venv.sh" "[test]"

if [ "${CI:-}" = "true" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "Starting PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's Chromium..."
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null
  fi
  if [ ! -x /usr/bin/caddy ]; then
    echo "Installing Debian's Caddy (the TLS proxy of the production shape, tests/production/test_caddy.py)..."
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q caddy) >/dev/null
  fi
  if ! command -v node >/dev/null; then
    echo "Installing Debian's Node.js (the outbox's JavaScript unit tests, tests/js/)..."
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs) >/dev/null
  fi
  if ! ldconfig -p | grep -q libpangoft2-1.0; then
    echo "Installing the system libraries WeasyPrint needs for PDF letters..."
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation) >/dev/null
  fi
fi

if [ "$#" -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi

# Every step runs whatever the others did; the script exits with the worst status and ends on the summary line of
# the whole run (scripts/pytest_steps.py adds the steps up).
results="$(mktemp -d)"
audit=""
trap 'if [ -n "$audit" ]; then kill "$audit" 2>/dev/null || true; fi; rm -rf "$results"' EXIT
status=0
recap=""
run_step() {  # a step's pytest run; its exit code is kept beside its counts
  local name="$1" code=0
  shift
  PYTEST_STEP_RESULT="$results/$name.json" PYTHONPATH="scripts${PYTHONPATH:+:$PYTHONPATH}" \
    .venv/bin/python -m pytest -p pytest_steps "$@" || code=$?
  echo "$code" >"$results/$name.code"
}
record() {  # a step's outcome, into the script's status and the recap
  local name="$1" code
  code="$(cat "$results/$name.code" 2>/dev/null || echo 1)"
  if [ "$code" -gt "$status" ]; then status=$code; fi
  recap+="${recap:+, }$name $([ "$code" = 0 ] && echo passed || echo "FAILED (exit $code)")"
}
step() {
  echo
  echo "--- $1: pytest ${*:2}"
  run_step "$@"
  record "$1"
}
# The outbox's pure JavaScript (tests/js/), with node's own test runner; in CI a missing node fails the run.
echo
echo "--- javascript: node --test tests/js/"
code=0
outcome=passed
if command -v node >/dev/null; then
  node --test tests/js/ || code=$?
elif [ "${CI:-}" = "true" ]; then
  echo "node is missing: the JavaScript unit tests cannot run" >&2
  code=1
else
  outcome="skipped (no node)"
fi
if [ "$code" -gt "$status" ]; then status=$code; fi
recap+="${recap:+, }javascript $([ "$code" = 0 ] && echo "$outcome" || echo "FAILED (exit $code)")"

# A test module to a worker (pytest-xdist), so that a module's server or process stack starts once; each worker has
# its own databases, servers and browser.
step suite -n auto --dist loadscope -m "not audit and not fuzz"
# The audit mostly waits on the package index, so it runs beside the fuzzing, its output shown after the fuzzing's.
# The fuzzing is three long tests, two of them alike on the two databases: a test to a worker.
run_step audit -m audit >"$results/audit.log" 2>&1 &
audit=$!
step fuzz -n 2 --dist load -m fuzz  # generated input at every route, on both databases, and at the JSON API
wait "$audit" || true
audit=""
echo
echo "--- audit (run beside the fuzzing): pytest -m audit"  # asks the package index about what is installed
cat "$results/audit.log"
record audit
echo
echo "steps: $recap"
.venv/bin/python scripts/pytest_steps.py "$results/suite.json" "$results/audit.json" "$results/fuzz.json"
exit "$status"
