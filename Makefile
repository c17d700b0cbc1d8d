# The two commands of the README. Both set up .venv (Python 3.10, pinned requirements) first.
.PHONY: run test train setup test-packages bench-load eval lint lint-strict
export RASA_TELEMETRY_ENABLED := false

setup:
	bash tools/setup.sh

run: setup
	.venv/bin/python -m bot.server.launcher run

test: setup test-packages
	.venv/bin/python -m bot.server.launcher test

# Debian's Chromium (the widget's end-to-end tests) and wbritish (word-list checks), installed when missing
# and root; otherwise those tests skip and are listed at the end of the run.
test-packages:
	bash tests/install_system_packages.sh

train: setup
	.venv/bin/python -m bot.server.launcher train

# Every published figure (README, safety case) from committed data, printed with the commit: risk recall and
# false alarms by set and category (rules and trained pipeline), NLU intent and FAQ scores (tools/eval.py).
eval: setup
	.venv/bin/python -m tools.eval

# Load benchmark against the stock rasa init assistant (README "Performance"); needs PostgreSQL and Redis.
bench-load: setup
	.venv/bin/python bench/bench_load.py

# Style and types: ruff (lint, format; settings in pyproject.toml) and mypy: the basic level for bot, ops,
# tools and web, the strict level for directory and actions (pyproject.toml). .ci/run runs it.
lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy bot ops tools web directory actions

# The strict half of `lint` alone (kept as a name: it is in the README and in people's habits).
lint-strict: setup
	.venv/bin/mypy directory actions
