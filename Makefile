# The two commands of the README. Both set up .venv (Python 3.10, pinned requirements) first.
.PHONY: run test train setup browser bench-load lint lint-strict
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

# Style and types: ruff (lint, format; settings in pyproject.toml) and mypy on the folders that are clean.
lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy bot ops tools web

# mypy's strict level for the directory and the actions (pyproject.toml); not clean yet, so not in `lint`.
lint-strict: setup
	.venv/bin/mypy directory actions
