#!/usr/bin/env bash
# Install, migrate the SQLite database under ./data, load the fictional demo, print its logins and serve
# the app on http://127.0.0.1:$PORT (8000 unless PORT says otherwise). Safe to run again: migrations and the demo are idempotent.
set -euo pipefail
source "$(dirname "$0")/_venv.sh" ""
export DATABASE_URL="${DATABASE_URL:-sqlite:///./data/sendfw.db}"
export LOG_FORMAT="${LOG_FORMAT:-text}"  # one line per request, for reading in the terminal
.venv/bin/python -m app.cli migrate
.venv/bin/python -m app.cli seed-demo
PORT="${PORT:-8000}"
echo "Serving SEND Fieldwork on http://127.0.0.1:${PORT} (Ctrl+C to stop)"
exec .venv/bin/python -m uvicorn --factory app.main:create_app --host 127.0.0.1 --port "$PORT" --no-access-log
