#!/usr/bin/env bash
# Install the test dependencies and run the whole suite: unit, integration (SQLite and PostgreSQL) and
# browser tests (Debian's Chromium). Extra arguments go to pytest.
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
  if ! ldconfig -p | grep -q libpangoft2-1.0; then
    echo "Installing the system libraries WeasyPrint needs for PDF letters..."
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation) >/dev/null
  fi
fi

exec .venv/bin/python -m pytest "$@"
