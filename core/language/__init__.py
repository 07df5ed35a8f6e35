"""Blameless-language and action-specificity checks: each finding has a rule, a why, a rewrite and a confidence.

The sentences are parsed with spaCy's small English pipeline (``model``), loaded once per process on first use. Who
a noun phrase is comes from grammar, word lists (``lexicon``) and what the post-mortem knows (``Context``).
"""

from core.language.actions import ACTION_RULES, check_action, check_actions
from core.language.checks import WHY, check_blameless, is_blame_ending
from core.language.findings import CONFIDENT, NO_CONTEXT, Context, Finding
from core.language.model import load_model

__all__ = [
    "ACTION_RULES", "CONFIDENT", "NO_CONTEXT", "WHY", "Context", "Finding", "check_action", "check_actions",
    "check_blameless", "is_blame_ending", "load_model",
]
