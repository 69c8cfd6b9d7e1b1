#!/usr/bin/env bash
# The run command: set everything up, build the synthetic demo city, serve Lantern on
# http://127.0.0.1:8000 with a background-task worker beside it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/setup.sh
export LANTERN_DEMO=1
mkdir -p var
.venv/bin/lantern demo
.venv/bin/lantern db_worker --interval 2 >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "Lantern is running on http://127.0.0.1:8000 (press Ctrl+C to stop)."
.venv/bin/lantern runserver 127.0.0.1:8000 --noreload
