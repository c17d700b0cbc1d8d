"""Risk figures for `make eval`: recall and false alarms by set and category, rules and trained pipeline.

Held-out sets (tests/data/heldout/, kind risk or multilingual) get a line per label and category:
- escalate: recall (escalated / messages), by category and by plain (`explicit`) versus indirect wording;
- check (distress short of a clear risk statement): how many escalated, shown, neither a hit nor a false alarm;
- none: false alarms (escalated / messages), by category.
Development sets (tests/data/dev/risk/) get one line each: they measure fit, not generalisation.
Only figures are printed, never a message: nobody should read held-out misses (tests/data/heldout/README.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Dict, Iterable, List, Sequence, Tuple

from bot.nlu.risk.decision import CHECK_INTENT
from tools.eval_context import EvalContext
from tools.eval_sets import (
    CHECK,
    DEV_RISK_SETS,
    ESCALATE,
    NONE,
    RiskMessage,
    load_dev_risk_set,
    load_risk_messages,
    manifests,
)
from tools.safety_eval import RISK_INTENTS, verdict_from_parse

Escalates = Callable[[str], bool]
ENGINES = ("rules", "pipeline", "pipeline or question")
RISK_KINDS = ("risk", "multilingual")


def engines(ctx: EvalContext) -> Dict[str, Escalates]:
    """Does a message escalate? The bare rules; the whole trained pipeline (a full escalation); and the
    pipeline counting its safety question too, which also gives the crisis line (bot/nlu/risk/decision.py)."""
    return {
        "rules": lambda text: ctx.rules.detect(text) is not None,
        "pipeline": lambda text: verdict_from_parse(ctx.parse(text))[0] is not None,
        "pipeline or question": lambda text: _intent(ctx.parse(text)) in (*RISK_INTENTS, CHECK_INTENT),
    }


def _intent(parsed: Dict) -> object:
    return (parsed.get("intent") or {}).get("name")


def _rows(messages: Sequence[RiskMessage]) -> List[Tuple[str, List[RiskMessage]]]:
    """(row title, messages) for one set: each label in total, then by category (and wording for escalate)."""
    groups: Dict[str, List[RiskMessage]] = defaultdict(list)
    for m in messages:
        groups[m.label].append(m)
    rows = []
    titles = {ESCALATE: "escalate: recall", CHECK: "check: escalated", NONE: "none: false alarms"}
    for label in (ESCALATE, CHECK, NONE):
        members = groups.get(label, [])
        if not members:
            continue
        rows.append((titles[label], members))
        by_category: Dict[str, List[RiskMessage]] = defaultdict(list)
        for m in members:
            by_category[m.category].append(m)
        if len(by_category) > 1:
            rows += [(f"  {category}", group) for category, group in sorted(by_category.items())]
        languages = sorted({m.language for m in members if m.language})
        if len(languages) > 1:
            rows += [(f"  in {code}", [m for m in members if m.language == code]) for code in languages]
        if label == ESCALATE and any(m.explicit is not None for m in members):
            rows.append(("  plain wording", [m for m in members if m.explicit]))
            rows.append(("  indirect wording", [m for m in members if m.explicit is False]))
    return rows


def _cell(hits: int, total: int) -> str:
    return f"{hits}/{total} {hits / total:6.1%}" if total else "-"


def table(messages: Sequence[RiskMessage], escalates: Dict[str, Escalates]) -> List[str]:
    """One line per row, one column per engine."""
    verdicts = {name: {m.text: fn(m.text) for m in messages} for name, fn in escalates.items()}
    lines = [f"    {'':<28}" + "".join(f"{name:>20}" for name in escalates)]
    for title, members in _rows(messages):
        cells = [_cell(sum(verdicts[name][m.text] for m in members), len(members)) for name in escalates]
        lines.append(f"    {title:<28}" + "".join(f"{cell:>20}" for cell in cells))
    return lines


def run(ctx: EvalContext) -> Iterable[str]:
    escalates = engines(ctx)
    yield "Held-out sets (never used to change the product; texts excluded at sealing are not scored):"
    for manifest in manifests():
        if manifest.kind not in RISK_KINDS:
            continue
        messages = [m for m in load_risk_messages(manifest.path) if m.text not in manifest.excluded]
        yield (
            f"  {manifest.id} ({manifest.kind}, writer {manifest.data['writer']}, sealed at "
            f"{manifest.committed_at[:7]}): {len(messages)} scored, {len(manifest.excluded)} excluded"
        )
        yield from table(messages, escalates)
    yield ""
    yield "Development sets (used to change the product: fit, not generalisation):"
    yield f"    {'':<28}" + "".join(
        f"{name + ' recall':>20}{name + ' false alarms':>24}" for name in escalates
    )
    for name in DEV_RISK_SETS:
        messages = load_dev_risk_set(name)
        cells = []
        for fn in escalates.values():
            for label, width in ((ESCALATE, 20), (NONE, 24)):
                members = [m for m in messages if m.label == label]
                cells.append(f"{_cell(sum(fn(m.text) for m in members), len(members)):>{width}}")
        yield f"    {name:<28}" + "".join(cells)
