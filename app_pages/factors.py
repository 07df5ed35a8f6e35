"""Step 4: immediate cause, contributing factors, five whys and systemic issues."""

import dataclasses

import streamlit as st

from core import postmortem_service
from core.models import FactorCategory, WhyChain
from core.steps import Step
from ui import deps, state, tables, widgets

STEP = Step.FACTORS
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key

immediate = st.text_area("Immediate cause", value=pm.immediate_cause, disabled=readonly, key=key(STEP, "immediate"),
                         help="The direct technical trigger, e.g. “DB connection pool exhausted (max 20)”.")

st.subheader("Contributing factors")
st.caption("Conditions that made the incident possible or worse. Incidents have several; give each a category.")
factors_frame = st.data_editor(
    tables.factors_frame(pm), key=key(STEP, f"factors-v{pm.version}"), num_rows="dynamic", hide_index=True,
    disabled=readonly or ["id"], width="stretch",
    column_config={
        "id": st.column_config.TextColumn("ID", width="small"),
        "category": st.column_config.SelectboxColumn("Category", options=[c.value for c in FactorCategory],
                                                     required=True),
        "text": st.column_config.TextColumn("Factor", required=True, width="large"),
        "accepted_risk": st.column_config.CheckboxColumn("Accepted risk", default=False,
                                                         help="No action will address it, knowingly"),
        "accepted_reason": st.column_config.TextColumn("Why accepted"),
    },
)

st.subheader("Five whys")
st.caption("Ask “why?” of each answer until you reach something the organisation can change. "
           "If the answer is a person, ask: what made this possible? What would have caught it?")
chains = list(pm.why_chains) or [WhyChain(question="")]
edited_chains = []
for n, chain in enumerate(chains, start=1):
    with st.expander(f"Chain {n}: {chain.question or 'new chain'}", expanded=n == len(chains)):
        question = st.text_input("Starting question", value=chain.question, disabled=readonly,
                                 key=key(STEP, f"chain{n}-q"), placeholder="Why did checkout fail?")
        answers = []
        for level in range(1, 6):
            previous = chain.answers[level - 2] if level > 1 and len(chain.answers) >= level - 1 else question
            answer = st.text_input(f"Why? ({level})", value=chain.answers[level - 1] if len(chain.answers) >= level
                                   else "", disabled=readonly, key=key(STEP, f"chain{n}-a{level}"),
                                   help=f"Why: {previous}" if previous else None)
            answers.append(answer)
        stop = st.text_input("Stopping before five? Say why", value=chain.stop_reason, disabled=readonly,
                             key=key(STEP, f"chain{n}-stop"))
        while answers and not answers[-1].strip():
            answers.pop()
        edited_chains.append(dataclasses.replace(chain, question=question, answers=tuple(answers), stop_reason=stop))
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
