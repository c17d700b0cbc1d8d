"""The official Open Referral schemas (HSDS 3.0 and the UK profile 3.0), used as they are, offline.

Why: a record is only "Open Referral UK 3.0" if it validates against the published files, so nothing here
copies or edits a schema. The files are read from the vendored reference folder (../shared/reference/
openreferral, or OPENREFERRAL_REFERENCE), and every "$ref" between them is resolved from that folder,
never over the network. Formats that jsonschema can check offline are checked (uuid, email, date), plus uri
and date-time with the small checkers below because their usual packages are not installed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker, RefResolver

REFERENCE_ENV = "OPENREFERRAL_REFERENCE"
UK, HSDS = "uk-profile-3.0", "hsds-3.0"

# kind -> (folder, file inside schema/) as the reference README names them for each response.
SCHEMAS: Dict[str, Tuple[str, str]] = {
    "service": (UK, "compiled/service.json"),  # GET /services/{id}
    "service_list": (HSDS, "compiled/service_list.json"),  # items of GET /services (UK repo lacks it)
    "service_at_location": (UK, "service_at_location.json"),
    "service_at_location_list": (UK, "compiled/service_at_location_list.json"),
    "taxonomy": (UK, "taxonomy.json"),
    "taxonomy_term": (UK, "taxonomy_term.json"),
}


def reference_dir() -> Path:
    """The vendored reference folder: OPENREFERRAL_REFERENCE, else ../shared/reference/openreferral."""
    configured = os.environ.get(REFERENCE_ENV)
    if configured:
        return Path(configured)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "reference" / "openreferral"
        if candidate.is_dir():
            return candidate
    return here.parents[3] / "shared" / "reference" / "openreferral"


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # jsonschema's own offline checks: uuid, email, date ...

    # jsonschema 4.17 leaves FormatChecker.checks unannotated
    @checker.checks("uri", raises=ValueError)  # type: ignore[untyped-decorator]
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(urlsplit(value).scheme)

    @checker.checks("date-time", raises=ValueError)  # type: ignore[untyped-decorator]
    def is_date_time(value: object) -> bool:
        if isinstance(value, str):
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    return checker


@lru_cache(maxsize=None)
def validator(kind: str) -> Draft202012Validator:
    """A validator for one kind of record; sibling files ("phone.json") resolve from the same folder."""
    folder, name = SCHEMAS[kind]
    path = reference_dir() / folder / "schema" / name
    schema = _read(path)
    store = {p.name: _read(p) for p in path.parent.glob("*.json")}
    store.update({p.as_uri(): document for p, document in ((path.parent / n, d) for n, d in store.items())})
    resolver = RefResolver(base_uri=path.as_uri(), referrer=schema, store=store)
    return Draft202012Validator(schema, resolver=resolver, format_checker=_format_checker())


def errors(kind: str, document: Any) -> List[str]:
    """Every schema error as 'path: reason' (path like contacts[0].phones[1].number; '(top)' for the record)."""
    found = sorted(validator(kind).iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{_path(error.absolute_path)}: {error.message}" for error in found]


def first_error(kind: str, document: Any) -> Optional[str]:
    """The first schema error, or None when the document is valid."""
    problems = errors(kind, document)
    return problems[0] if problems else None


def _path(parts: Iterable[Union[str, int]]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


@lru_cache(maxsize=None)
def openapi(folder: str = UK) -> Dict[str, Any]:
    """A vendored openapi.json (UK profile by default)."""
    document: Dict[str, Any] = _read(reference_dir() / folder / "openapi.json")
    return document


def page_schema() -> Dict[str, Any]:
    """The Page envelope schema of the UK openapi.json (components/schemas/Page)."""
    schema: Dict[str, Any] = openapi()["components"]["schemas"]["Page"]
    return schema


def profile_parameters(path: str) -> List[str]:
    """Query parameter names the UK openapi.json defines for a path, in its order."""
    document = openapi()
    names = []
    for parameter in document["paths"][path]["get"].get("parameters", []):
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        names.append(parameter["name"])
    return names
