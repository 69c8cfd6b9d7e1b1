#!/usr/bin/env bash
# The test command: set everything up (Python packages, Debian's Chromium for the browser
# tests), then lint, type-check and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests …"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "== ruff"
.venv/bin/ruff check src tests bench scripts
echo "== mypy"
.venv/bin/mypy
echo "== bandit (scripts/bandit-baseline.json: the findings SECURITY.md accepts)"
.venv/bin/bandit -q -r src -b scripts/bandit-baseline.json
echo "== pip-audit (the pinned set, requirements/constraints.txt, against PyPI's advisories)"
# --strict: a package that could not be audited is reported, not silently skipped. A
# vulnerability found always fails. Where PyPI's vulnerability service does not answer (this
# project's build machines reach PyPI only through a mirror without it), nothing can be
# audited: that is said loudly, and fails only with LANTERN_PIP_AUDIT=required (set it where
# PyPI itself answers; SECURITY.md).
audit_log=$(mktemp)
if .venv/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
    -r requirements/constraints.txt >"$audit_log" 2>&1; then
  grep -v -e "--no-deps is supported" -e "pip-compile" "$audit_log" || true
elif grep -q "known vulnerabilit" "$audit_log"; then
  cat "$audit_log"; rm -f "$audit_log"
  echo "pip-audit: a pinned dependency has a known vulnerability (above)." >&2
  exit 1
else
  grep -v -e "--no-deps is supported" -e "pip-compile" "$audit_log" | tail -5 >&2
  echo "!! pip-audit could NOT audit the dependencies: PyPI's vulnerability service did not" >&2
  echo "!! answer (above). NOTHING WAS AUDITED." >&2
  if [ "${LANTERN_PIP_AUDIT:-advisory}" = "required" ]; then
    rm -f "$audit_log"; exit 1
  fi
  echo "!! Going on (LANTERN_PIP_AUDIT=required would stop here)." >&2
fi
rm -f "$audit_log"
echo "== pytest (${DATABASE_URL:-embedded SQLite})"
.venv/bin/pytest -n 2 --dist loadfile "$@"
