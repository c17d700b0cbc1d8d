"""Operational commands for the people who run the service: `python -m ops --help`.

* `purge --older-than-days 30`: the retention rule. Deletes every stored conversation event older than N
  days from the tracker store; conversations with nothing newer disappear entirely.
* `delete --sender ID`: deletes one conversation (a person's request to erase what they wrote).

Both read the tracker store's URL from `TRACKER_DB_URL` (.env or the environment, bot/server/settings.py) and
print counts only, never sender ids or text.
"""
