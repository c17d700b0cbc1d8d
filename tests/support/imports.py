"""What the project's own modules import, read from their source with `ast` (nothing is executed).

Used by the import-rules test (tests/test_import_rules.py) and the image test (tests/ops/test_deploy_files.py).
Every import counts, also one inside a function: a lazy import still has to obey the rules and still has to
be in the image.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Iterable, Optional, Set

from bot.server.settings import ROOT

#: The top-level folders that hold the project's Python packages.
FIRST_PARTY = ("bot", "actions", "directory", "ops", "tools", "web", "tests", "bench")


def module_file(module: str) -> Optional[Path]:
    """The file of a first-party module (`a/b.py` or `a/b/__init__.py`), None if it is not one."""
    if module.split(".")[0] not in FIRST_PARTY:
        return None
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path) -> str:
    """`bot/server/channels.py` -> `bot.server.channels`; a package's `__init__.py` -> the package."""
    parts = list(path.resolve().relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=None)
def imports_of(path: Path) -> FrozenSet[str]:
    """The absolute names of every module `path` imports (relative imports resolved; `from a import b`
    gives `a.b` when that is a module, else `a`)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if module_file(full) else base)
    return frozenset(found)


def first_party_closure(modules: Iterable[str]) -> Set[str]:
    """The first-party modules that importing `modules` loads: their imports, transitively, and the
    packages (`__init__.py`) on the way to each."""
    seen: Set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module in seen or module_file(module) is None:
            continue
        seen.add(module)
        parts = module.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(imports_of(module_file(module)))  # type: ignore[arg-type]
    return seen


def python_files(folder: str) -> list[Path]:
    """The Python files of a top-level folder, caches left out."""
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)
