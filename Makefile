# The two commands of the README. Both set up .venv (Python 3.10, pinned requirements) first.
.PHONY: run test train setup browser bench-load
export RASA_TELEMETRY_ENABLED := false

setup:
	bash tools/setup.sh

run: setup
	.venv/bin/python -m bot.server.launcher run

test: setup browser
	.venv/bin/python -m bot.server.launcher test

# Debian's Chromium for the web widget's end-to-end tests (tests/web/), installed when missing and root.
browser:
	bash tests/web/install_chromium.sh

train: setup
	.venv/bin/python -m bot.server.launcher train

# Load benchmark against the stock rasa init assistant (README "Performance"); needs PostgreSQL and Redis.
bench-load: setup
	.venv/bin/python bench/bench_load.py
