"""Reading the shape of an untrusted JSON document (an Open Referral UK feed): a field as an object or as a
list of objects, anything else (missing, null, a string where an object belongs) read as empty.

The readers that must report a wrong shape (directory.oruk.importer's Checker) check it themselves; these
are for the places that read what is there and skip the rest.
"""

from __future__ import annotations

from typing import Any, Dict, List


def as_object(value: Any) -> Dict[str, Any]:
    """`value` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_objects(value: Any) -> List[Dict[str, Any]]:
    """The objects in `value` when it is a JSON array (other items skipped), else an empty list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
