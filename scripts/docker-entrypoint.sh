#!/bin/sh
# Apply the migrations (unless RUN_MIGRATIONS=0, for replicas when a separate job migrates), then serve.
set -e
if [ "${RUN_MIGRATIONS:-1}" = "1" ]; then
  python -m app.cli migrate
fi
exec "$@"
