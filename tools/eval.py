"""`make eval`: every published figure, from committed data, printed with the commit it was measured at.

    python -m tools.eval [--only NAME ...] [--model PATH] [--out FILE]

Runs each registered evaluation in turn on the trained model for the committed data (trained first if
needed) and on the rule-based matcher. Held-out sets are in tests/data/heldout/, development sets in
tests/data/dev/ (tools/eval_sets.py); the README and the clinical safety case quote only held-out figures.

To add an evaluation: write `run(ctx: EvalContext) -> Iterable[str]` (lines to print; figures only, never a
held-out text) in a module tools/eval_<name>.py, and add it to EVALUATIONS below. EvalContext
(tools/eval_context.py) gives the commit, the model, `ctx.parse(text)` through the trained pipeline (cached)
and `ctx.rules` (the risk matcher); tools/eval_sets.py reads the sets and their manifests.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, Iterable, Optional, Sequence

from tools import eval_nlu, eval_risk
from tools.eval_context import EvalContext

Evaluation = Callable[[EvalContext], Iterable[str]]

#: Registration point: title -> evaluation, run in this order.
EVALUATIONS: Dict[str, Evaluation] = {
    "risk": eval_risk.run,
    "nlu": eval_nlu.run,
}


def report(ctx: EvalContext, names: Sequence[str]) -> Iterable[str]:
    yield f"commit: {ctx.commit}"
    yield f"model: {ctx.model.name}"
    yield f"measured: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
    for name in names:
        yield ""
        yield f"== {name} " + "=" * (100 - len(name))
        yield from EVALUATIONS[name](ctx)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=sorted(EVALUATIONS), help="run only these evaluations")
    parser.add_argument("--model", type=Path, help="trained model (default: the one for the committed data)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    lines = []
    for line in report(EvalContext(args.model), args.only or list(EVALUATIONS)):
        print(line, flush=True)
        lines.append(line)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
