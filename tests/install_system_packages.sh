#!/usr/bin/env bash
# Installs Debian's Chromium for the widget's end-to-end tests when it is missing (`make test` runs this).
# Playwright drives this browser through the driver in its Python wheel; no browser is ever downloaded
# (never `playwright install`). Not root: say how to install it; the e2e tests then skip with the same hint.
set -euo pipefail

if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: Chromium is not installed, so the web widget's end-to-end tests will be skipped." >&2
  echo "      Install it with: sudo apt-get install -y chromium   (Debian/Ubuntu)" >&2
  exit 0
fi
echo "setup: installing Chromium for the web widget's end-to-end tests (apt-get install chromium)"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
  echo "error: apt-get could not install chromium; the end-to-end tests need it (see above)" >&2
  exit 1
fi
