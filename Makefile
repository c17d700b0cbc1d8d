# The two commands of the README. Both set up .venv (Python 3.10, pinned requirements) first.
.PHONY: run test train setup
export RASA_TELEMETRY_ENABLED := false

setup:
	bash bot/setup.sh

run: setup
	.venv/bin/python -m bot.launcher run

test: setup
	.venv/bin/python -m bot.launcher test

train: setup
	.venv/bin/python -m bot.launcher train
