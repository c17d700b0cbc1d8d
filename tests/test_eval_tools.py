"""The arithmetic behind `make eval` (tools/eval_risk.py, tools/eval_nlu.py) on small hand-made cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools.eval import EVALUATIONS
from tools.eval_nlu import answered_faq_topics, f1_by_label, predicted_label
from tools.eval_risk import table
from tools.eval_sets import RiskMessage
from tools.import_corpus import conversation_document, faq_nlu, leaking_messages, sealed_texts


def test_the_retrieval_intent_comes_from_the_response_selector() -> None:
    selector = {"default": {"response": {"intent_response_key": "faq/cost"}}}
    assert predicted_label({"intent": {"name": "faq"}, "response_selector": selector}) == "faq/cost"
    assert predicted_label({"intent": {"name": "chitchat"}, "response_selector": selector}) == "chitchat"
    assert predicted_label({"intent": {"name": "greet"}}) == "greet"


def test_f1_counts_wrong_predictions_against_the_predicted_label() -> None:
    pairs = [("greet", "greet"), ("greet", "thanks"), ("thanks", "thanks"), ("deny", "thanks")]
    scores = f1_by_label(pairs, ["greet", "thanks", "deny"])
    assert scores == {"greet": (2 / 3, 2), "thanks": (2 * 1 / 4, 1), "deny": (0.0, 1)}


def test_risk_table_gives_recall_false_alarms_and_checks_by_category() -> None:
    messages = [
        RiskMessage("a", "escalate", "suicide", explicit=True),
        RiskMessage("b", "escalate", "abuse", explicit=False),
        RiskMessage("c", "check", "distress"),
        RiskMessage("d", "none", "games"),
        RiskMessage("e", "none", "news"),
    ]
    lines = table(messages, {"rules": lambda text: text in {"a", "c", "d"}})
    cells = {line[:32].strip(): line[32:].strip() for line in lines[1:]}
    assert cells["escalate: recall"] == "1/2  50.0%"
    assert cells["suicide"] == "1/1 100.0%" and cells["abuse"] == "0/1   0.0%"
    assert cells["plain wording"] == "1/1 100.0%" and cells["indirect wording"] == "0/1   0.0%"
    assert cells["check: escalated"] == "1/1 100.0%"
    assert cells["none: false alarms"] == "1/2  50.0%" and cells["games"] == "1/1 100.0%"


def test_every_evaluation_is_registered_and_faq_topics_are_read_from_the_domain() -> None:
    assert set(EVALUATIONS) >= {"risk", "nlu"}
    assert "faq/what_is_camhs" in answered_faq_topics()


def test_only_turns_that_must_not_escalate_become_everyday_corpus_messages() -> None:
    turn = lambda text, escalation: {"user": text, "expect": {"escalation": escalation}}  # noqa: E731
    document = {
        "writer": "C9",
        "conversations": [
            {
                "persona": "parent",
                "turns": [turn("my son is 9, in brent", "none"), turn("she wants to die", "crisis")],
            },
            {"persona": "young_person", "turns": [turn("16, southwark", "none"), turn("ok", "any")]},
            {
                "persona": "young_person",
                "turns": [turn("16, southwark", "none"), turn("im so tired", "check")],
            },
            {"persona": "limited_english", "turns": [turn("mi hijo tiene 12 años", "none")]},
        ],
    }
    corpus = conversation_document(document)
    assert corpus["writer"] == "C9"
    assert [(m["text"], m["label"], m["subject"]) for m in corpus["messages"]] == [
        ("my son is 9, in brent", "none", "other"),
        ("16, southwark", "none", "self"),
    ]


def test_a_leak_report_names_the_sealed_text_by_position_not_by_its_words(tmp_path, capsys) -> None:
    from tools.eval_leaks import main

    sealed = tmp_path / "sealed.yml"
    sealed.write_text("messages:\n- text: can you help me find someone to talk to about my zebra plans\n")
    assert main([str(sealed)]) == 1
    out = capsys.readouterr().out
    assert "1 leaked" in out and f"text 1 of {sealed}" in out
    assert "zebra" not in out


def test_a_leak_named_by_position_shows_none_of_the_sealed_words() -> None:
    """What the held-out-sets test prints when it fails (the six shared words are the sealed set's too)."""
    from tools.eval_leaks import Leak

    text = "i had zebra plans for tonight with my friends"
    leak = Leak(text, "six words: zebra plans for tonight with my", "data/nlu/basics.yml", "...")
    described = leak.by_position(["first", text], "H9")
    assert described == "six words: text 2 of H9, in data/nlu/basics.yml"


@pytest.mark.parametrize("writer", ["C1", "C4", "C5", "C7"])
def test_the_corpus_turns_of_a_development_conversation_set_are_up_to_date(writer: str) -> None:
    """corpus/risk/C*.yml is derived from tests/data/dev/conversations/ (tools.import_corpus
    --conversations): a conversation set edited without regenerating it trains on stale turns."""
    root = Path(__file__).resolve().parents[1]
    source = yaml.safe_load((root / f"tests/data/dev/conversations/{writer}.yml").read_text("utf-8"))
    derived = yaml.safe_load((root / f"corpus/risk/{writer}.yml").read_text("utf-8"))
    expected = [m["text"] for m in conversation_document(source)["messages"]]
    kept = [m["text"] for m in derived["messages"]]
    kept_set = set(kept)
    # Only the turns that share text with a sealed set may be missing, and nothing may be added or reordered.
    assert [text for text in expected if text in kept_set] == kept
    missing = [text for text in expected if text not in kept_set]
    still = leaking_messages([{"text": text} for text in missing], sealed_texts())
    assert len(still) == len(missing), "regenerate: python -m tools.import_corpus --conversations"


def test_an_faq_writers_questions_become_nlu_examples_without_sealed_risk_or_duplicate_texts() -> None:
    """tools.import_corpus --faq: a sealed text, a question the risk rules escalate (the risk models train
    on FAQ examples as calm) and a text the NLU data already has are dropped; the rest keep their topic."""
    sealed = ["will my parents be told if i talk to someone at camhs about my feelings"]
    document = {
        "writer": "FQ0",
        "faq": [
            {
                "text": "Will my parents be told if I talk to someone at CAMHS about my feelings?",
                "topic": "tell_parents",
            },
            {"text": "do i need to tell u if i want to kill myself", "topic": "confidential"},
            {"text": "Do u charge money 4 this lol", "topic": "cost"},
            {"text": "how much   does camhs cost my mum", "topic": "cost"},
            {"text": "what does a psychiatrist do all day", "topic": "psychiatrist"},
        ],
    }
    nlu, dropped = faq_nlu(document, sealed, existing={"do u charge money 4 this lol"})
    assert dropped == {"sealed": 1, "risk rules": 1, "already in the NLU data": 1}
    examples = {block["intent"]: block["examples"] for block in nlu["nlu"]}
    assert examples == {
        "faq/cost": "- how much does camhs cost my mum\n",
        "faq/psychiatrist": "- what does a psychiatrist do all day\n",
    }
