#!/usr/bin/env bash
# Creates .venv with Python 3.10 (Rasa 3.6 needs it) and installs the pinned requirements.
# Idempotent: does nothing when .venv already matches requirements.txt and constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false PIP_DISABLE_PIP_VERSION_CHECK=1

find_python310() {
  local candidates=()
  command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
  if command -v pyenv >/dev/null 2>&1; then
    local prefix
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
      prefix=$(pyenv prefix "$v" 2>/dev/null) && candidates+=("$prefix/bin/python3.10" "$prefix/bin/python")
    done
  fi
  candidates+=("$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)
  for py in "${candidates[@]}"; do
    [ -x "$py" ] || continue
    # pyenv shims exist even when the version is not active, so ask the interpreter itself.
    if "$py" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; then
      echo "$py"; return 0
    fi
  done
  return 1
}

stamp_of() { cat requirements.txt constraints.txt | sha256sum | cut -c1-16; }

if [ -x .venv/bin/python ] && [ "$(cat .venv/.requirements-stamp 2>/dev/null)" = "$(stamp_of)" ]; then
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  if ! PY=$(find_python310); then
    cat >&2 <<'MSG'
error: Python 3.10 was not found, and Rasa Open Source 3.6 runs only on Python 3.10.
Install it, then run this command again. Any one of these works:
  - pyenv:   pyenv install 3.10.13        (https://github.com/pyenv/pyenv)
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv
  - or put a python3.10 executable on PATH.
MSG
    exit 1
  fi
  echo "setup: creating .venv with $PY"
  "$PY" -m venv .venv
fi
echo "setup: installing pinned requirements into .venv (about 3 minutes the first time)"
.venv/bin/python -m pip install --quiet --upgrade "pip==24.0"
.venv/bin/python -m pip install --quiet -r requirements.txt -c constraints.txt
stamp_of > .venv/.requirements-stamp
echo "setup: done"
