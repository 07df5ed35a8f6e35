"""Step 4: immediate cause, contributing factors, five whys and systemic issues."""

import dataclasses

import streamlit as st

from core import postmortem_service
from core.models import FactorCategory, WhyChain
from core.steps import Step
from ui import deps, similar_view, state, tables, views, widgets

STEP = Step.FACTORS
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key

immediate = st.text_area("Immediate cause", value=pm.immediate_cause, disabled=readonly, key=key(STEP, "immediate"),
                         help="The direct technical trigger, e.g. “DB connection pool exhausted (max 20)”.")

st.subheader("Contributing factors")
st.caption("Conditions that made the incident possible or worse. Incidents have several: give each a category, "
           "and link the timeline events that show it. Add a factor in the empty row at the bottom.")
factors_frame = st.data_editor(
    tables.factors_frame(pm), key=key(STEP, f"factors-v{pm.version}"), num_rows="dynamic", hide_index=True,
    disabled=readonly or ["id"], width="stretch",
    column_config={
        "id": st.column_config.TextColumn("ID", width="small"),
        "category": st.column_config.SelectboxColumn("Category", options=[c.value for c in FactorCategory],
                                                     required=True),
        "text": st.column_config.TextColumn("Factor", required=True, width="large"),
        "evidence": st.column_config.MultiselectColumn(
            "Evidence (timeline events)", options=[e.id for e in pm.events],
            format_func=lambda event_id: tables.event_label(pm, event_id)),
        "accepted_risk": st.column_config.CheckboxColumn("Accepted risk", default=False,
                                                         help="No action will address it, knowingly"),
        "accepted_reason": st.column_config.TextColumn("Why accepted"),
        "internal": st.column_config.CheckboxColumn("Internal", default=False,
                                                    help="Left out of the public version of the report"),
    },
)
with st.expander("Fishbone view: factors by category", icon=":material/account_tree:"):
    views.fishbone(pm)
similar_view.similar_incidents(pm)

st.subheader("Five whys")
st.caption("Ask “why?” of each answer until you reach something the organisation can change — five times, or "
           "say why you stop. If an answer is a person, ask instead: what made this possible? What would have "
           "caught it?")
factor_choices = ["", *(f.id for f in pm.factors)]
chains = list(pm.why_chains) or [WhyChain(question="")]
edited_chains = []
for n, chain in enumerate(chains, start=1):
    with st.expander(f"Chain {n}: {views.md(chain.question) or 'new chain'}", expanded=n == len(chains)):
        left, right = st.columns([3, 1])
        question = left.text_input("Starting question", value=chain.question, disabled=readonly,
                                   key=key(STEP, f"chain{n}-q"), placeholder="Why did checkout fail?")
        factor_id = right.selectbox(
            "For factor", factor_choices, disabled=readonly, key=key(STEP, f"chain{n}-factor"),
            index=factor_choices.index(chain.factor_id) if chain.factor_id in factor_choices else 0,
            format_func=lambda f: f or "(immediate cause)")
        answers: list[str] = []
        asked = question
        for level in range(1, 6):
            if level > len(chain.answers) + 1 or (level > 1 and not answers[-1].strip()):
                break
            answer = st.text_input(f"Why? ({level}) — {views.md(asked) or 'why did it happen?'}",
                                   value=chain.answers[level - 1] if len(chain.answers) >= level else "",
                                   disabled=readonly, key=key(STEP, f"chain{n}-a{level}"))
            answers.append(answer)
            asked = answer
        while answers and not answers[-1].strip():
            answers.pop()
        stop = chain.stop_reason
        if len(answers) < 5:
            stop = st.text_input("Stopping before five? Say why", value=chain.stop_reason, disabled=readonly,
                                 key=key(STEP, f"chain{n}-stop"))
        edited_chains.append(dataclasses.replace(chain, question=question, answers=tuple(answers),
                                                 stop_reason=stop, factor_id=factor_id))
if st.button("Add another five-whys chain", disabled=readonly, key=key(STEP, "add-chain")):
    edited_chains.append(WhyChain(question="Why?"))

st.subheader("Systemic issues")
systemic = st.data_editor(tables.systemic_frame(pm), key=key(STEP, f"systemic-v{pm.version}"), num_rows="dynamic",
                          hide_index=True, disabled=readonly, width="stretch",
                          column_config={"issue": st.column_config.TextColumn("Organisational or process gap",
                                                                              width="large")})

if not readonly:
    with widgets.reporting_errors():
        kept_chains = tuple(c for c in edited_chains if c.question.strip() or c.answers)
        analysis = dataclasses.replace(
            pm, immediate_cause=immediate, factors=tables.factors_from_frame(factors_frame, pm),
            why_chains=kept_chains, systemic_issues=tables.systemic_from_frame(systemic))
        saved = postmortem_service.update_analysis(pm, analysis, actor=state.actor(), now=deps.now(),
                                                   repo=deps.repository())
    if saved is not pm:
        state.save(saved)
        st.rerun()

widgets.step_footer(STEP, pm)
