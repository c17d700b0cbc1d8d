"""The import rules of docs/architecture.md, for every folder, read from the source with `ast`.

Each folder may import only the folders its paragraph names (a lazy import inside a function counts too).
A new folder with Python in it fails `test_every_python_folder_has_a_rule` until it has a rule here and a
paragraph in docs/architecture.md.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Set, Tuple

import pytest

from bot.server.settings import ROOT
from tests.support.imports import (
    FIRST_PARTY,
    first_party_closure,
    imports_of,
    module_file,
    module_name,
    python_files,
)

#: Folder -> the folders of ours it may import (its own always). bot/ is three folders.
MAY_IMPORT: Dict[str, FrozenSet[str]] = {
    "directory": frozenset(),
    "bot/nlu": frozenset({"directory"}),
    "bot/dialogue": frozenset({"bot/nlu", "directory"}),
    "bot/server": frozenset({"bot/nlu"}),  # risk_join.py: the risk intents and entities of the parse
    "actions": frozenset({"directory", "bot/dialogue", "bot/server"}),
    "web": frozenset(),
    "ops": frozenset({"bot/server"}),
    "tools": frozenset({"bot/nlu", "bot/server", "directory"}),
    "tests": frozenset(
        {"bot/nlu", "bot/dialogue", "bot/server", "actions", "directory", "web", "ops", "tools"}
    ),
    "bench": frozenset({"bot/nlu", "bot/server", "directory", "tools", "tests"}),
}
#: Third-party packages a folder must never load, directly or through what it imports of ours.
NEVER_LOADS: Dict[str, FrozenSet[str]] = {
    "directory": frozenset({"rasa", "rasa_sdk", "spacy", "sanic"}),  # a library usable on its own
    "actions": frozenset({"rasa", "spacy"}),  # the action server's image has rasa-sdk only
    "web": frozenset({"rasa", "spacy", "sqlalchemy"}),
}
#: Where the Python files of ours live; anything else is data, documents or deployment files.
PYTHON_FOLDERS = ("bot/nlu", "bot/dialogue", "bot/server", *[p for p in FIRST_PARTY if p != "bot"])


def folder_of(module: str) -> str:
    parts = module.split(".")
    return "/".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def first_party_imports(folder: str) -> List[Tuple[str, str]]:
    """(module, what it imports) for every import of ours in `folder`."""
    return [
        (module_name(path), imported)
        for path in python_files(folder)
        for imported in sorted(imports_of(path))
        if imported.split(".")[0] in FIRST_PARTY
    ]


def test_every_python_folder_has_a_rule() -> None:
    """Top-level folders (and bot/'s three) that hold Python: each needs a rule here and a paragraph."""
    # docs/reference/ holds a snapshot of the shared reference, its checking script included: not our code.
    skip = {"models", "docs"}
    tops = [
        p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in skip
    ]
    with_code = {
        folder_of(module_name(path))
        for top in tops
        for path in python_files(top)
        if path.name != "__init__.py" or path.parent.name != "bot"
    }
    assert with_code <= set(MAY_IMPORT), "a new folder: give it a rule here and in docs/architecture.md"
    assert set(MAY_IMPORT) == set(PYTHON_FOLDERS)


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_each_folder_imports_only_what_its_rule_allows(folder: str) -> None:
    allowed = MAY_IMPORT[folder] | {folder}
    broken = [
        f"{module} imports {imported}"
        for module, imported in first_party_imports(folder)
        if folder_of(imported) not in allowed and imported != "bot"
    ]
    assert broken == []


@pytest.mark.parametrize("folder", sorted(NEVER_LOADS))
def test_no_folder_loads_what_its_process_does_not_have(folder: str) -> None:
    loaded: Set[str] = set()
    modules = first_party_closure(module_name(p) for p in python_files(folder))
    for module in modules:
        loaded |= {imported.split(".")[0] for imported in imports_of(module_file(module))}  # type: ignore[arg-type]
    assert loaded & NEVER_LOADS[folder] == set()


def test_nothing_outside_tests_and_bench_imports_them() -> None:
    offenders = [
        f"{module} imports {imported}"
        for folder in MAY_IMPORT
        if folder not in ("tests", "bench")
        for module, imported in first_party_imports(folder)
        if folder_of(imported) in ("tests", "bench")
    ]
    assert offenders == []


def test_data_holds_no_code() -> None:
    assert [p for p in (ROOT / "data").rglob("*") if p.suffix in (".py", ".js")] == []
