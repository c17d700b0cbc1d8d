"""The SQLite tracker store and its folder are private to their owner (0600 in 0700), whoever creates them."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.server.settings import private_file, private_folder
from bot.server.tracker_store import LeanSQLTrackerStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_tracker_store_makes_its_sqlite_file_and_folder_private(tmp_path: Path) -> None:
    database = tmp_path / "store" / "tracker.db"
    store = LeanSQLTrackerStore(host=f"sqlite:///{database}")
    store.engine.dispose()
    assert database.exists()
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700


def test_an_existing_file_and_folder_are_narrowed(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    file = folder / "tracker.db"
    file.write_text("")
    file.chmod(0o644)
    private_file(file)
    assert (mode(file), mode(folder)) == (0o600, 0o700)


def test_a_shared_sticky_folder_is_left_open(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    private_folder(shared)
    assert mode(shared) == 0o1777
