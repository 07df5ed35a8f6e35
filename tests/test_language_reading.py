"""The blameless check reads text as published post-mortems write it: wrapped lines, questions, denials, domains.

And its learned second opinion is exactly what the dev corpus trains: the shipped weights are rebuilt here.
"""

from __future__ import annotations

import json

from core import language
from core.language import checks, learned, prefilter
from testing import blame_model


def _confident(text: str) -> list[language.Finding]:
    return [f for f in language.check_blameless(text) if f.confident]


def test_a_sentence_wrapped_over_two_lines_is_read_whole_and_reported_where_it_starts():
    text = ("## What happened\n\nAfter the freeze Tomasz pushed the untested schema change\n"
            "straight to production, which took the orders service down.\n")
    findings = _confident(text)
    assert [(f.line, f.text.split()[0]) for f in findings] == [(3, "Tomasz")]
    assert text.splitlines()[2][findings[0].start:findings[0].end] == findings[0].text


def test_timeline_entries_and_list_items_are_never_joined_to_the_line_before():
    text = "14:02 UTC: Tomasz paged the database team\n14:05 UTC: replication lag cleared\n- the cache expired\n"
    assert language.check_blameless(text) == []


def test_a_domain_or_a_file_name_at_the_head_of_a_sentence_is_no_person():
    for text in ("GitLab.com was not using WAL archiving at the time.",
                 "Values.yaml did not set the memory limit, so the pods never checked it."):
        assert _confident(text) == [], text


def test_a_rewrite_keeps_the_punctuation_of_what_it_keeps_and_a_question_is_not_rewritten_as_a_statement():
    [finding] = _confident("Tomasz pushed the untested script to production, which took the orders service down.")
    assert "production, which took the orders service down." in finding.suggestion
    [question] = _confident("Why did Tomasz skip the review?")
    assert "Why did" not in question.suggestion


def test_a_rhetorical_question_that_singles_someone_out_is_flagged_and_a_plain_one_is_not():
    assert [f.rule for f in _confident("Why did Tomasz switch off the circuit breaker?")] == ["blame-question"]
    assert [f.rule for f in _confident("Who deleted the nightly backups?")] == ["blame-question"]
    assert _confident("What did the on-call engineer see on the dashboard at 02:00?") == []


def test_a_sentence_that_denies_blame_is_not_blame():
    for text in ("This was not Tomasz's fault: the runbook pointed at the wrong host.",
                 "Nobody dropped the ball; the handover form had no field for running jobs.",
                 "We do not hold Tomasz responsible for the data loss."):
        assert _confident(text) == [], text


def test_a_person_whose_act_is_judged_by_what_followed_is_flagged():
    for text in ("Tomasz set the session timeout to zero, which logged out every customer.",
                 "The release manager approved a build that crashed on launch.",
                 "The contractor left the storage bucket world-readable."):
        assert _confident(text), text


def test_the_learned_opinion_needs_someone_in_the_sentence():
    weights = learned.model()
    assert weights.threshold >= 0.5 and weights.weights
    assert _confident("The deploy wiped the cache and broke checkout for every customer.") == []
    for text in ("Focus on systems, never on people.", "We paged the engineers on call and thanked the support team."):
        assert _confident(text) == [], text  # people acted upon or focused on are not blamed


def test_the_shipped_weights_are_exactly_what_the_dev_corpus_trains(tmp_path):
    out = tmp_path / "weights.json"
    assert blame_model.main(out) == 0
    shipped = json.loads(blame_model.OUT.read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8")) == shipped


def test_lines_are_joined_into_paragraphs_of_bounded_length():
    # a long run with no sentence end (text anyone may paste) is read in pieces, not parsed as one sentence
    line = "Tomasz pushed the change and the engineer who approved it wiped the table and"
    pieces = checks.paragraphs("\n".join([line] * 1000))
    assert len(pieces) > 1 and max(len(text) for text, _ in pieces) <= checks.PARAGRAPH_CAP + len(line) + 1
    [(text, where)] = checks.paragraphs("one line\nwrapped on the next")
    assert text == "one line wrapped on the next" and where[text.index("wrapped")] == (2, 0)


def test_a_run_with_no_sentence_end_is_read_in_bounded_pieces_and_a_finding_after_it_keeps_its_place():
    # one pasted line of 100,000 characters with no full stop: the rules' reading of one sentence grows faster
    # than its length, so the run is read in pieces of at most SENTENCE_CAP characters, cut at a space
    run = "Ana deployed the service and " * 3500
    pieces = list(prefilter._sentences(run))
    assert max(len(piece) for _, piece in pieces) <= prefilter.SENTENCE_CAP
    assert all(run[start:start + len(piece)] == piece for start, piece in pieces)
    text = run[:2000] + "\nThe contractor left the storage bucket world-readable."
    [finding] = _confident(text)
    assert (finding.line, finding.text) == (2, "The contractor left")


def test_someone_notified_or_paged_is_not_blamed_by_the_judge():
    # a paging tool's log line names the person it reached: where the sentence acts, not who acted
    for text in ("Notified Maria Lopez by SMS", "Notified Maria Lopez by push notification",
                 "The on-call system paged Bjørn Hansen twice."):
        assert _confident(text) == [], text
