// The article panel: one article's text with the quoted spans highlighted in <mark>
// elements (from the citations' start/end offsets), the chosen one scrolled into view.
import { byId, el, meta, plural, setStatus, show } from './dom.js';
import { documentPath, getJSON } from './http.js';

let returnFocusTo = null;
let opened = 0; // which open() call is current (a slow fetch must not overwrite a newer one)

/**
 * Offsets from the server count Unicode code points (Python); JS strings count UTF-16
 * units. Returns a function mapping one to the other for `text`.
 */
export function codePointToUtf16(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
  const map = [];
  let unit = 0;
  for (const ch of text) {
    map.push(unit);
    unit += ch.length;
  }
  map.push(unit);
  return (i) => map[Math.max(0, Math.min(i, map.length - 1))];
}

/** [{start, end, ids}] in UTF-16 units: each citation's span, checked against its quote; overlaps merged. */
export function highlightSpans(body, citations) {
  const toUtf16 = codePointToUtf16(body);
  const spans = [];
  for (const c of citations) {
    let start = toUtf16(c.start);
    let end = toUtf16(c.end);
    if (c.quote && body.slice(start, end) !== c.quote) {
      const found = body.indexOf(c.quote); // offsets disagree with the text: find the quote itself
      if (found < 0) continue;
      start = found;
      end = found + c.quote.length;
    }
    if (end > start) spans.push({ start, end, ids: [c.id] });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      last.ids.push(...s.ids.filter((id) => !last.ids.includes(id)));
    } else {
      merged.push({ ...s, ids: [...s.ids] });
    }
  }
  return merged;
}

/** Text with a little space after each line break (the text itself stays exactly the body). */
function withGaps(text) {
  const nodes = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (i) nodes.push('\n', el('span', { class: 'gap', 'aria-hidden': 'true' }));
    if (line) nodes.push(line);
  }
  return nodes;
}

function renderBody(body, spans) {
  const nodes = [];
  let at = 0;
  for (const s of spans) {
    if (s.start > at) nodes.push(...withGaps(body.slice(at, s.start)));
    nodes.push(el('mark', { dataset: { cites: s.ids.join(' ') }, title: `Quoted by ${s.ids.map((i) => `[${i}]`).join(' ')}` },
      ...withGaps(body.slice(s.start, s.end))));
    at = s.end;
  }
  if (at < body.length) nodes.push(...withGaps(body.slice(at)));
  byId('reader-body').replaceChildren(...nodes);
}

/** Centre `target` in the panel by scrolling the panel only (scrollIntoView would move the page too). */
function scrollPanelTo(panel, target) {
  const box = panel.getBoundingClientRect();
  const at = target.getBoundingClientRect();
  const head = panel.querySelector('.reader-head').offsetHeight; // the sticky title covers the top
  panel.scrollTop += at.top - box.top - head - Math.max(0, (panel.clientHeight - head - at.height) / 2);
}

/**
 * Open article `docId`. `citations`: the answer's citations into this article (each is
 * highlighted); `focusId`: the citation to scroll to. `opener` gets focus back on close.
 */
export async function openArticle(docId, { citations = [], focusId = null, opener = null } = {}) {
  const call = ++opened;
  const panel = byId('reader');
  const title = byId('reader-title');
  returnFocusTo = opener || document.activeElement;
  title.textContent = citations[0]?.title || docId;
  byId('reader-meta').textContent = '';
  setStatus(byId('reader-note'), 'Loading the article…');
  byId('reader-body').replaceChildren();
  show(panel);
  document.body.classList.add('reading');
  title.focus();
  let article;
  try {
    article = await getJSON(documentPath(docId));
  } catch (e) {
    if (call === opened) setStatus(byId('reader-note'), `Could not open ${docId}: ${e.message}`, 'error');
    return;
  }
  if (call !== opened) return;
  title.textContent = article.title || article.doc_id;
  byId('reader-meta').textContent = meta(article.source, article.published, article.doc_id);
  const spans = highlightSpans(article.body, citations);
  renderBody(article.body, spans);
  const missing = citations.length - spans.reduce((n, s) => n + s.ids.length, 0);
  const note = spans.length ? `${plural(spans.length, 'quoted passage')} highlighted` : '';
  setStatus(byId('reader-note'), meta(note, missing > 0 && `${plural(missing, 'quote')} not found in the current text`),
    missing > 0 ? 'error' : 'info');
  const target = [...byId('reader-body').querySelectorAll('mark')]
    .find((m) => m.dataset.cites.split(' ').includes(String(focusId))) || byId('reader-body').querySelector('mark');
  if (target) {
    target.classList.add('current');
    scrollPanelTo(panel, target);
  } else {
    panel.scrollTop = 0;
  }
}

export function closeArticle() {
  const panel = byId('reader');
  if (panel.hidden) return;
  opened++;
  show(panel, false);
  document.body.classList.remove('reading');
  if (returnFocusTo && document.contains(returnFocusTo)) returnFocusTo.focus();
  returnFocusTo = null;
}

export function initReader() {
  byId('reader-close').addEventListener('click', closeArticle);
  byId('reader').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); closeArticle(); }
  });
}
