"""Render a domain response's text inside an action.

Wording lives in domain.yml so it can be reviewed and measured for readability. Some replies are assembled
from several small templates (a service's phone, website and hours); the action renders those pieces from
the domain it receives instead of writing English in Python.
"""

from __future__ import annotations

import string
from typing import Any, Dict, Mapping


class _KeepMissing(Dict[str, Any]):
    """Leaves unknown placeholders visible rather than raising, so a template typo is seen in tests."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_response(domain: Mapping[str, Any], response: str, **values: Any) -> str:
    """Text of the response's default (unconditional) variation with the placeholders filled."""
    variations = domain.get("responses", {}).get(response) or []
    template = next((v.get("text", "") for v in variations if not v.get("condition")), "")
    return string.Formatter().vformat(template, (), _KeepMissing(values))


def render_parts(domain: Mapping[str, Any], parts: Dict[str, Any]) -> str:
    """Join the templates `utter_service_<key>` for every non-empty value in `parts`.

    The templates end their sentence themselves, so a value's own full stop is dropped ("...weekends.").
    """
    return "".join(
        render_response(domain, f"utter_service_{key}", **{key: str(value).rstrip(". ")})
        for key, value in parts.items()
        if value
    )
