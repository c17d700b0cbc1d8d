"""Bring a writer's risk corpus file into the repository without any text of a sealed held-out set.

    python -m tools.import_corpus /work/incoming/ML1.yml corpus/risk_languages/ML1.yml
    python -m tools.import_corpus --conversations tests/data/dev/conversations/C7.yml corpus/risk/C7.yml

With `--faq`, the incoming file is an FAQ writer's questions by topic (format in
tests/data/heldout/briefs/faq_format.md, key `faq`) and the output a Rasa NLU file of `faq/<topic>` examples
(data/nlu/faq_writers/). Besides the sealed texts, it drops questions the risk rules escalate (the learned risk
models train on FAQ examples as calm: tests/nlu/risk/test_training_examples.py) and questions already in the
NLU data under any intent, so no text trains two answers.

With `--conversations`, the incoming file is a development conversation set (format in
tests/data/heldout/briefs/conversation_format.md): every turn its writer said must not escalate becomes a
`none` message. People answering the form ("16, southwark, been feeling down") and asking about services
are what the writers' corpus has least of, and what the models asked the safety question of most.

The leak check (tools/eval_leaks.py) run the other way round: the incoming messages are the index, every
sealed set's texts are looked up in it, and each message whose text one of them matches (the same text, a
near copy, or a run of six words) is dropped. An English `gloss` that matches (short glosses such as "I want
to die" are near copies of English held-out texts) is removed and its message kept: the models never read
glosses. Repeated until nothing matches, since a held-out text reports one match at a time. Only counts are
printed: a dropped message is a near copy of a held-out text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import yaml

from tools.eval_leaks import SourceIndex, _strings, normalise
from tools.eval_sets import ROOT, heldout_texts, manifests


def leaking_messages(messages: Sequence[dict], sealed: Sequence[str]) -> Set[int]:
    """Indexes of the messages that share text with any of the `sealed` texts."""
    dropped: Set[int] = set()
    while True:
        lines: Dict[str, str] = {}
        owners: Dict[str, List[int]] = {}
        for i, message in enumerate(messages):
            if i in dropped:
                continue
            for string in _strings(message):
                for line in string.splitlines():
                    text = normalise(line)
                    if text:
                        lines.setdefault(text, str(len(lines)))
                        owners.setdefault(text, []).append(i)
        if not lines:
            return dropped
        index = SourceIndex(lines)
        found = {i for leak in index.leaks(list(sealed)) for i in owners[_key(index, leak.source)]}
        if not found:
            return dropped
        dropped |= found


def sealed_texts() -> List[str]:
    """Every text of every sealed held-out set."""
    return [text for manifest in manifests() for text in heldout_texts(manifest)]


def conversation_document(document: dict) -> dict:
    """A writer's corpus document from a development conversation set: the turns that must not escalate."""
    seen: Set[str] = set()
    messages = []
    for conversation in document["conversations"]:
        persona = conversation.get("persona") or "young_person"
        if persona == "limited_english":  # often written in another language: not for the English corpus
            continue
        for turn in conversation["turns"]:
            text = str(turn["user"])
            if turn["expect"].get("escalation") != "none" or text in seen:
                continue
            seen.add(text)
            subject = "self" if persona == "young_person" else "other"
            messages.append({"text": text, "label": "none", "category": "everyday", "subject": subject})
    return {
        "writer": document["writer"],
        "persona": "development conversation turns that must not escalate (tests/data/dev/conversations/)",
        "messages": messages,
    }


def faq_nlu(document: dict, sealed: Sequence[str], existing: Set[str]) -> Tuple[dict, Dict[str, int]]:
    """A Rasa NLU document of the writer's questions by topic, and how many were dropped and why."""
    from bot.nlu.risk.detector import RiskMatcher

    questions = [q for q in document["faq"] if str(q.get("text") or "").strip()]
    leaked = leaking_messages([{"text": q["text"]} for q in questions], sealed)
    matcher = RiskMatcher.from_lexicon()
    dropped = {"sealed": len(leaked), "risk rules": 0, "already in the NLU data": 0}
    by_topic: Dict[str, List[str]] = {}
    seen = set(existing)
    for i, question in enumerate(questions):
        text = " ".join(str(question["text"]).split())
        if i in leaked:
            continue
        if matcher.detect(text) is not None:
            dropped["risk rules"] += 1
        elif normalise(text) in seen:
            dropped["already in the NLU data"] += 1
        else:
            seen.add(normalise(text))
            by_topic.setdefault(str(question["topic"]), []).append(text)
    nlu = [
        {"intent": f"faq/{topic}", "examples": "".join(f"- {text}\n" for text in texts)}
        for topic, texts in by_topic.items()
    ]
    return {"version": "3.1", "nlu": nlu}, dropped


def nlu_texts(directory: Path) -> Set[str]:
    """Every example text of the NLU data under `directory`, normalised."""
    from rasa.shared.nlu.training_data.loading import load_data

    return {normalise(str(m.get("text"))) for m in load_data(str(directory)).intent_examples}


class _LiteralExamples(yaml.SafeDumper):
    """Writes `examples` as a block scalar, as Rasa's own NLU files are."""


_LiteralExamples.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


def import_faq(document: dict, output: Path) -> int:
    """Write an FAQ writer's questions as a Rasa NLU file (`--faq`)."""
    existing = nlu_texts(ROOT / "data" / "nlu")
    if output.exists():  # imported again: its own questions are not duplicates
        existing -= nlu_texts(output)
    nlu, dropped = faq_nlu(document, sealed_texts(), existing)
    header = (
        f"# FAQ questions by writer {document['writer']} ({document.get('persona', '')}), imported by\n"
        "# python -m tools.import_corpus --faq (docs/training/faq-writers.md)\n"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        header + yaml.dump(nlu, Dumper=_LiteralExamples, allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8",
    )
    kept = sum(len(block["examples"].splitlines()) for block in nlu["nlu"])
    print(f"{document['writer']}: {len(document['faq'])} questions, dropped {dropped}, {kept} kept")
    return 0


def _key(index: SourceIndex, where: str) -> str:
    return next(text for text, tag in index.where.items() if tag == where)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("incoming", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument(
        "--conversations", action="store_true", help="the incoming file is a conversation set"
    )
    parser.add_argument("--faq", action="store_true", help="the incoming file is FAQ questions by topic")
    args = parser.parse_args(argv)
    document = yaml.safe_load(args.incoming.read_text(encoding="utf-8"))
    if args.faq:
        return import_faq(document, args.output)
    if args.conversations:
        document = conversation_document(document)
    messages = list(document["messages"])
    sealed = sealed_texts()
    dropped = leaking_messages([{"text": m["text"]} for m in messages], sealed)
    kept = [dict(m) for i, m in enumerate(messages) if i not in dropped]
    unglossed = leaking_messages([{"gloss": m.get("gloss") or ""} for m in kept], sealed)
    for i in unglossed:
        kept[i].pop("gloss", None)
    out = {key: value for key, value in document.items() if key != "messages"}
    out["messages"] = kept
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )
    print(
        f"{args.incoming.name}: {len(messages)} messages, {len(dropped)} dropped, "
        f"{len(unglossed)} glosses removed, {len(kept)} kept"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
