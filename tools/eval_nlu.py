"""NLU figures for `make eval`: intent and FAQ scores of the trained pipeline on the held-out NLU sets.

Each text goes through the whole pipeline; its label is the intent, or for a retrieval intent (faq,
chitchat) the response selector's full key (`faq/cost`). F1 per label is over all scored texts of the set,
so an FAQ question taken for `ask_for_help` costs `ask_for_help` precision. FAQ topics the product does not
answer yet (no `utter_faq/<topic>` in domain.yml) are scored like the others and also shown apart.
The former held-out set (tests/data/dev/nlu/, now development) gets one line: it measures fit. The
development FAQ sets (tests/data/dev/nlu/HF.yml, formerly sealed, and HF3.yml, written to be tuned on) are
scored like a held-out set, and their wrong answers are listed with their texts (development data, read to
change the product).

    python -m tools.eval_nlu --dev     # the development sets only (never a held-out set)
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from tools.eval_context import EvalContext
from tools.eval_sets import (
    DEV_DIR,
    DEV_NLU_SET,
    ROOT,
    load_faq_and_intents,
    load_rasa_nlu,
    manifests,
)
from tools.safety_eval import RISK_INTENTS

FAQ = "faq/"
#: The development FAQ and intent sets (the format of the held-out ones), scored with their wrong answers.
DEV_FAQ_SETS = (DEV_DIR / "nlu" / "HF.yml", DEV_DIR / "nlu" / "HF3.yml")


def predicted_label(parsed: Dict) -> str:
    """The intent, or the full retrieval intent (faq/<topic>, chitchat/<x>) the response selector chose."""
    intent = (parsed.get("intent") or {}).get("name") or ""
    selectors = parsed.get("response_selector") or {}
    # one selector trained on all retrieval intents answers under "default" (config.yml sets no retrieval_intent)
    selected = selectors.get(intent) or selectors.get("default") or {}
    key = (selected.get("response") or {}).get("intent_response_key") or ""
    return key if key.startswith(f"{intent}/") else intent


def answered_faq_topics() -> Set[str]:
    """faq/<topic> labels that have an answer in domain.yml."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    responses = yaml.load((ROOT / "domain.yml").read_text(encoding="utf-8"), Loader=loader)["responses"]
    return {name[len("utter_") :] for name in responses if name.startswith(f"utter_{FAQ}")}


def f1_by_label(pairs: Sequence[Tuple[str, str]], labels: Iterable[str]) -> Dict[str, Tuple[float, int]]:
    """(F1, number of examples) per label from (expected, predicted) pairs."""
    expected = Counter(e for e, _ in pairs)
    predicted = Counter(p for _, p in pairs)
    right = Counter(e for e, p in pairs if e == p)
    scores = {}
    for label in labels:
        total = expected[label] + predicted[label]
        scores[label] = (2 * right[label] / total if total else 0.0, expected[label])
    return scores


def _macro(scores: Dict[str, Tuple[float, int]]) -> float:
    return sum(f1 for f1, _ in scores.values()) / len(scores) if scores else 0.0


def _accuracy(pairs: Sequence[Tuple[str, str]]) -> str:
    right = sum(e == p for e, p in pairs)
    return f"{right}/{len(pairs)} {right / len(pairs):.1%}" if pairs else "-"


def score_lines(title: str, pairs: Sequence[Tuple[str, str]], labels: Sequence[str]) -> List[str]:
    scores = f1_by_label(pairs, labels)
    subset = [(e, p) for e, p in pairs if e in labels]
    lines = [f"    {title}: macro-F1 {_macro(scores):.3f}, accuracy {_accuracy(subset)}"]
    lines += [f"      {label:<36} F1 {f1:.3f}  (n={n})" for label, (f1, n) in sorted(scores.items())]
    return lines


def set_lines(pairs: Sequence[Tuple[str, str]], answered: Set[str]) -> List[str]:
    """Intent and FAQ scores of one FAQ-and-intents set from (expected, predicted) pairs."""
    intents = sorted({e for e, _ in pairs if not e.startswith(FAQ)})
    topics = sorted({e for e, _ in pairs if e.startswith(FAQ)})
    known, new = [t for t in topics if t in answered], [t for t in topics if t not in answered]
    lines = score_lines(f"intents ({len(intents)})", pairs, intents)
    lines += score_lines(f"FAQ topics, all {len(topics)}", pairs, topics)
    for title, labels in (
        (f"the {len(known)} the product answers", known),
        (f"the {len(new)} it does not yet", new),
    ):
        subset = [(e, p) for e, p in pairs if e in labels]
        lines.append(
            f"      on {title}: macro-F1 {_macro(f1_by_label(pairs, labels)):.3f}, accuracy {_accuracy(subset)}"
        )
    escalated = sum(p in RISK_INTENTS for _, p in pairs)
    lines.append(f"    escalated as crisis or safeguarding: {escalated}/{len(pairs)}")
    return lines


def run(ctx: EvalContext) -> Iterable[str]:
    answered = answered_faq_topics()
    yield "Held-out sets (never used to change the product; texts excluded at sealing are not scored):"
    for manifest in manifests():
        if manifest.kind != "nlu":
            continue
        items = [(t, label) for t, label in load_faq_and_intents(manifest.path) if t not in manifest.excluded]
        pairs = [(label, predicted_label(ctx.parse(text))) for text, label in items]
        yield (
            f"  {manifest.id} (writer {manifest.data['writer']}, sealed at {manifest.committed_at[:7]}): "
            f"{len(pairs)} scored, {len(manifest.excluded)} excluded"
        )
        yield from set_lines(pairs, answered)
    yield from run_dev(ctx, answered)


def run_dev(ctx: EvalContext, answered: Optional[Set[str]] = None) -> Iterable[str]:
    """The development sets only: each FAQ set with its wrong answers, then the former held-out set."""
    answered = answered_faq_topics() if answered is None else answered
    for path in DEV_FAQ_SETS:
        if not path.exists():
            continue
        yield ""
        yield f"Development FAQ set {path.relative_to(ROOT)} (read to change the product: fit):"
        items = load_faq_and_intents(path)
        triples = [(text, label, predicted_label(ctx.parse(text))) for text, label in items]
        yield from set_lines([(e, p) for _, e, p in triples], answered)
        yield "    wrong answers (expected -> given: text):"
        for text, expected, given in sorted(triples, key=lambda t: t[1]):
            if expected != given:
                yield f"      {expected} -> {given}: {text}"
    yield ""
    yield "Development set (used to change the product: fit, not generalisation):"
    pairs = [(label, predicted_label(ctx.parse(text))) for text, label in load_rasa_nlu(DEV_NLU_SET)]
    labels = sorted({e for e, _ in pairs})
    yield (
        f"    {DEV_NLU_SET.relative_to(ROOT)}: macro-F1 {_macro(f1_by_label(pairs, labels)):.3f} over "
        f"{len(labels)} labels, accuracy {_accuracy(pairs)}"
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="NLU figures; --dev scores the development sets only.")
    parser.add_argument("--dev", action="store_true", required=True, help="the development sets only")
    parser.add_argument("--model", type=Path, help="trained model (default: the one for the committed data)")
    args = parser.parse_args(argv)
    ctx = EvalContext(args.model)
    print(f"commit: {ctx.commit}\nmodel: {ctx.model.name}", flush=True)
    for line in run_dev(ctx):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
