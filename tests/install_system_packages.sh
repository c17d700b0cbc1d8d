#!/usr/bin/env bash
# Installs the Debian packages some tests need, when missing (`make test` runs this before the suite):
#   chromium  the web widget's end-to-end tests (tests/web/); Playwright drives it through the driver in its
#             Python wheel, no browser is ever downloaded (never `playwright install`);
#   wbritish  /usr/share/dict/british-english, the word list the risk speller and the place matcher are
#             checked against (tests/nlu/risk/test_lexicon.py, tests/nlu/extractors/test_places.py); 1 MB.
# Not root or no apt-get: say how to install them; those tests then skip with the same hint, and a full run
# lists every skipped test at its end (tests/conftest.py).
set -euo pipefail

missing=()
{ [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; } || missing+=(chromium)
[ -f /usr/share/dict/british-english ] || missing+=(wbritish)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: not installed: ${missing[*]}; the tests that need them will be skipped (and listed)." >&2
  echo "      Install with: sudo apt-get install -y ${missing[*]}   (Debian/Ubuntu)" >&2
  exit 0
fi
echo "setup: installing ${missing[*]} for the tests (apt-get install)"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "error: apt-get could not install ${missing[*]}; the tests need them (see above)" >&2
  exit 1
fi
