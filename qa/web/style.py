"""The page's CSS: one stylesheet for every tab (classes are all ``qa-`` prefixed).

Cards and answers as before; a conversation layout; tables that scroll sideways on a
phone (never one character per line); the reading view of a document.
"""

from __future__ import annotations

from qa.present.html import CARD_CSS

PAGE_CSS = (
    CARD_CSS
    + """
.qa-scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
.qa-scroll table { border-collapse: collapse; margin: .5rem 0; font-size: .92rem; }
.qa-scroll th, .qa-scroll td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left;
  white-space: nowrap; vertical-align: top; }
.qa-scroll th { background: #f0f3f6; }
.qa-figures td:last-child { white-space: normal; min-width: 14rem; }
.qa-history { border: 1px solid #d0d7de; border-radius: 8px; padding: .4rem .8rem;
  margin-bottom: .8rem; background: #f6f8fa; font-size: .92rem; }
.qa-history ol { margin: .2rem 0 0 1.2rem; padding: 0; }
.qa-turn { border-top: 1px solid #e5e7eb; padding-top: .6rem; margin-bottom: 1.2rem; }
.qa-q { background: #e8f0fe; border-radius: 12px; padding: .5rem .8rem; margin: .2rem 0 .6rem auto;
  width: fit-content; max-width: 90%; font-weight: 600; }
.qa-q-number { color: #1a5fb4; margin-right: .5rem; font-size: .85rem; }
.qa-resolved, .qa-read-as { color: #555; font-size: .9rem; margin-bottom: .3rem; }
.qa-actions { margin: .3rem 0 .6rem; }
.qa-actions button, .qa-card-actions button { border: 1px solid #d0d7de; border-radius: 6px;
  padding: 2px 10px; background: #fff; cursor: pointer; font-size: .88rem; }
.qa-card-actions { display: flex; gap: 1rem; align-items: center; margin-top: .4rem; font-size: .88rem; }
.qa-back { color: #1a5fb4; text-decoration: none; }
.qa-flash { outline: 3px solid #f0a020; outline-offset: 2px; transition: outline-color .3s; }
.qa-missing { background: #fff8e6; border-left: 4px solid #f0a020; padding: .4rem .8rem;
  margin: .4rem 0; font-size: .95rem; }
.qa-also { background: #eef5ff; border-left: 4px solid #1a5fb4; padding: .4rem .8rem;
  margin: .4rem 0; font-size: .95rem; }
.qa-empty, .qa-hint { color: #555; padding: .6rem .2rem; }
.qa-doc-title { font-weight: 700; font-size: 1.05rem; margin-bottom: .2rem; }
.qa-doc-meta { display: flex; flex-wrap: wrap; gap: .3rem 1rem; color: #444; font-size: .9rem;
  margin-bottom: .5rem; }
.qa-doc-where { font-size: .9rem; color: #444; margin-bottom: .4rem; }
.qa-doc-text { white-space: pre-wrap; line-height: 1.7; border: 1px solid #d0d7de; border-radius: 8px;
  padding: .6rem .9rem; max-height: 70vh; overflow-y: auto; background: #fff; }
mark.qa-passage { background: #fff3a3; }
.qa-doc-grid { display: grid; grid-template-columns: minmax(12rem, 1fr) 3fr; gap: .8rem; }
.qa-doc-outline { max-height: 70vh; overflow-y: auto; font-size: .92rem; }
.qa-outline, .qa-outline ul { list-style: none !important; margin: .2rem 0 !important; }
.qa-outline { padding-left: 0 !important; }
.qa-outline ul { padding-left: 1em !important; }
.qa-outline li { margin: 0 !important; padding: 0 !important; }
.qa-outline li::before { content: none !important; }
#source-column { position: sticky; top: 0; align-self: flex-start; }
.qa-outline a { color: #1a5fb4; text-decoration: none; display: inline-block; padding: 1px 0; }
.qa-outline a.qa-current { font-weight: 700; background: #fff3a3; }
.qa-anchor { scroll-margin-top: .5rem; }
.qa-account { font-size: .9rem; color: #444; text-align: right; }
.qa-account a.qa-logout { margin-left: .6rem; }
.qa-status { border-radius: 6px; padding: .5rem .8rem; margin: .4rem 0; }
.qa-status-info { background: #f6f8fa; color: #333; }
.qa-status-ok { background: #e6f4ea; border-left: 4px solid #2e7d32; }
.qa-status-error { background: #fdecea; border-left: 4px solid #c62828; }
.qa-miss { border: 1px solid #d0d7de; border-radius: 6px; padding: .3rem .6rem; margin: .3rem 0; }
.qa-miss-passage { margin: .3rem 0 .5rem; font-size: .9rem; }
/* A file box states sizes in its own units; the upload's status line states it once,
   in the units of the limit (qa.ingest.uploads.megabytes). */
#upload-file .file-preview td.download { display: none; }
@media (max-width: 640px) {
  .qa-doc-grid { grid-template-columns: 1fr; }
  .qa-doc-outline { max-height: 14rem; }
  .qa-q { max-width: 100%; }
}
"""
)

# Gradio 6.31's page reads a toast's title from a field its client never fills, so
# every error toast says "Error" whatever gr.Error(title=…) was given. Until that is
# fixed upstream, the page renames the toast titles it shows (and nothing else).
TOAST_TITLES_JS = """
const titles = {Error: '无法完成', Warning: '请注意', Info: '提示'};
const rename = () => document.querySelectorAll('.toast-title').forEach((t) => {
  const text = t.textContent.trim();
  if (titles[text]) t.textContent = titles[text];
});
new MutationObserver(rename).observe(document.body, {childList: true, subtree: true});
"""
