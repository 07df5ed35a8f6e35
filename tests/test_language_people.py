"""Who is blamed: people, roles and teams are; products, services and the post-mortem's own systems are not."""

from __future__ import annotations

import pytest

from core import language


def confident(text, context=language.NO_CONTEXT):
    return [f for f in language.check_blameless(text, context=context) if f.confident]


@pytest.mark.parametrize(
    "sentence",
    [
        "Kubernetes caused the pods to restart in a loop.",
        "Postgres failed to accept new connections.",
        "Checkout broke when the provider changed its response format.",
        "Jenkins broke the build after the plugin update.",
        "Redis's eviction policy dropped the session keys.",
        "The fix was simply to restart the exporter.",
        "We reviewed past mistakes in the runbook.",
        "Every service should have an owner.",
        "We should have a chat with the platform team about quotas.",
        "The alert should have fired at 80 percent.",
        "If the canary had sampled more traffic, it would have caught the regression.",
        "Contrary to early reports, Bob's deploy did not cause the outage.",
        "Luis failed over the database to the replica.",
        "Why did the canary not catch the regression?",
    ],
)
def test_systems_neutral_acts_and_forward_looking_should_are_not_blame(sentence):
    assert confident(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("Bjørn broke the checkout service with a hotfix.", "person-as-cause"),
        ("Nguyễn Thị Mai forgot to rotate the signing key.", "person-as-cause"),
        ("@t-nguyen flushed every cache key at once and took down checkout.", "person-as-cause"),
        ("The outage was caused by Dave running the cleanup job twice.", "person-as-agent"),
        ("Chloé's migration broke the payment reconciliation job.", "person-as-cause"),
        ("If Søren had checked the dashboard, the outage would have been caught.", "counterfactual"),
        ("The QA team failed to flag the broken checkout flow.", "person-as-cause"),
        ("Somebody changed the cron schedule and broke the nightly billing run.", "person-as-cause"),
        ("This one is on Priya.", "person-as-cause"),
        ("Any engineer would have seen that the disk was about to fill up.", "hindsight-generic"),
        ("Marcus pushed a bad config and took down checkout.", "person-as-cause"),
    ],
)
def test_kinds_of_blame_are_found_by_grammar(sentence, rule):
    assert [f.rule for f in confident(sentence)] == [rule]


def test_a_name_the_post_mortem_knows_as_a_system_is_never_a_person():
    sentence = "Rowan broke the checkout flow after the deploy."
    as_system = language.Context(systems=frozenset({"rowan"}))
    as_person = language.Context(people=frozenset({"Rowan Price"}))
    assert confident(sentence, as_system) == []
    assert [f.rule for f in confident(sentence, as_person)] == ["person-as-cause"]


def test_a_possessive_rewrite_keeps_the_facts_and_drops_the_person():
    [finding] = confident("Dan's migration broke the invoicing service.")
    assert "\"The migration broke the invoicing service.\"" in finding.suggestion


def test_a_passive_rewrite_drops_the_person_agent():
    [finding] = confident("The bug was introduced by Raj in last week's refactor.")
    assert "\"The bug was introduced in last week's refactor.\"" in finding.suggestion


def test_a_capitalised_word_the_text_itself_uses_as_a_thing_is_no_person():
    blaming = "Fritz dropped the write primary and took the whole site down."
    assert confident(blaming), "alone, an unknown capitalised subject that takes a site down may be a person"
    text = f"The fritz Redis ran out of memory at 02:10.\n{blaming}\nEvery Repl created that day stayed read-only."
    assert confident(text) == []
    assert confident("Any Repl loaded with this build went read-only.\n"
                     "Repl dropped the write primary and took the site down.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Growth shipped a coupon service nobody had load-tested, and it fell over within minutes.",
        "@k.okafor fat-fingered the replica count and scaled checkout to zero.",
        "they ignored the disk alert for two days and the database ran out of space",
    ],
)
def test_a_team_named_by_one_word_a_handle_and_a_pronoun_that_acts_can_be_blamed(sentence):
    assert confident(sentence)


def test_a_team_blamed_by_the_learned_judge_gets_a_rewrite_with_the_thing_as_subject():
    [finding] = confident("Platform shipped a broken base image and every service built that day crashed.")
    assert finding.text == "Platform shipped"
    assert "A broken base image was shipped and every service built that day crashed." in finding.suggestion
