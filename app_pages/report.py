"""Step 6: the report — sections, blameless-language check, review, publication and the share link."""

import streamlit as st

from core import postmortem_service, report_text
from core.export import markdown
from core.models import Report
from core.steps import Step
from ui import auth, deps, public_panel, report_drafts_view, reports, sharing, state, views, widgets

STEP = Step.REPORT
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key
edit = {"actor": state.actor(), "now": deps.now(), "repo": deps.repository()}

clock_state, clock_words = report_text.publication_clock(pm.end, pm.published_at, deps.now())
st.markdown(f"**48-hour clock:** {clock_words}.")

sections = {}
for name, label, help_text in views.REPORT_SECTIONS:
    sections[name] = st.text_area(label, value=getattr(pm.report, name), disabled=readonly, key=key(STEP, name),
                                  help=help_text, height=110)
    report_drafts_view.draft_note(pm, name, sections[name], readonly=readonly)
left, right = st.columns(2)
reviewers = left.text_input("Reviewer(s), comma-separated", value=", ".join(pm.reviewers), disabled=readonly,
                            key=key(STEP, "reviewers"))
reviewed_at = right.date_input("Review date", value=pm.reviewed_at, disabled=readonly, key=key(STEP, "reviewed"))

signer = auth.signed_in_name()
if signer and signer not in pm.reviewers and st.button(f"Sign off as reviewer ({views.md(signer)})", disabled=readonly,
                                                        key=key(STEP, "sign-off")):
    with widgets.reporting_errors():
        state.save(postmortem_service.update_report(pm, pm.report, reviewers=[*pm.reviewers, signer],
                                                    reviewed_at=deps.now().date(), **edit))
    state.refresh_widgets()  # the reviewer fields show the stored sign-off, not what they held before
    st.rerun()

if not readonly:
    with widgets.reporting_errors():
        pm = postmortem_service.update_report(pm, Report(**sections), reviewers=views.split_list(reviewers),
                                              reviewed_at=reviewed_at, **edit)
        state.save(pm)
report_drafts_view.draft_button(pm, readonly=readonly)  # after the save: it sees a section emptied just now

st.subheader("Blameless-language check")
findings = report_text.open_findings(pm)
if not findings:
    st.success("No blaming or hindsight wording found in the post-mortem.", icon=":material/check_circle:")
for n, (field, finding) in enumerate(findings):
    with st.container(border=True):
        st.markdown(f"**{views.md(field)}:** “…{views.md(finding.text)}…” — {views.md(finding.why)}")
        st.caption(f"Suggestion: {views.md(finding.suggestion)}")
        reason = st.text_input("Keep it anyway? Say why", key=key(STEP, f"dismiss-reason-{n}"), disabled=readonly)
        if st.button("Dismiss this finding", key=key(STEP, f"dismiss-{n}"), disabled=readonly):
            with widgets.reporting_errors():
                state.save(postmortem_service.dismiss_finding(pm, field=field, text=finding.text, reason=reason,
                                                              **edit))
            st.rerun()

report_md = markdown.render(pm, now=deps.now())
with st.expander("Preview the report", icon=":material/visibility:"):
    st.markdown(views.on_screen(report_md))
left, right = st.columns(2)
left.download_button("Download Markdown", report_md, file_name=f"{pm.id}.md", mime="text/markdown",
                     key=key(STEP, "download-md"), on_click="ignore", icon=":material/download:")
right.download_button("Download PDF", lambda: reports.pdf_report(pm), file_name=f"{pm.id}.pdf", mime="application/pdf",
                      key=key(STEP, "download-pdf"), on_click="ignore", icon=":material/picture_as_pdf:")

st.subheader("Public version")
# masking every field is the costly part: only when asked, not on each rerun of the step
if st.toggle("Review and download the public version", key=key(STEP, "public")):
    with widgets.reporting_errors():
        pm = public_panel.public_version_panel(pm, readonly=readonly)

st.subheader("Publish")
snapshots = deps.repository().snapshots(pm.id)
if pm.published_at is not None:
    st.success(f"Published on {pm.published_at:%Y-%m-%d %H:%M} UTC. Later edits do not change a published "
               "version; publish again to add a new one.")
label = "Publish a new version" if pm.published_at else "Publish the report"
refusal = auth.publishing_refusal(deps.settings().editors)
if refusal:
    st.caption(views.md(refusal))
if st.button(label, type="primary", disabled=readonly or refusal is not None, key=key(STEP, "publish")):
    with widgets.reporting_errors():
        published, _ = postmortem_service.publish(pm, render_pdf=reports.pdf_report, refusal=refusal, **edit)
        state.save(published)
    state.set_notice("The report is published. Next: track the action items.")
    st.rerun()
for snap in snapshots:
    st.download_button(f"Version {snap.number} published {snap.published_at:%Y-%m-%d %H:%M} UTC (PDF)", snap.pdf,
                       file_name=f"{pm.id}-v{snap.number}.pdf", mime="application/pdf", on_click="ignore",
                       key=key(STEP, f"snapshot-{snap.number}"), icon=":material/history:")

st.subheader("Share link for the review meeting")
st.caption("A read-only page anyone with the link can open during the review meeting. Revoke it at any time.")
sharing.share_links(pm, readonly)

with st.expander("Change history", icon=":material/history:"):
    st.dataframe(views.audit_frame(deps.repository().audit(pm.id)), hide_index=True, width="stretch")

widgets.step_footer(STEP, pm)
