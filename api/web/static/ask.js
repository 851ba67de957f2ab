// Ask: the question form, the answer streamed token by token from /v1/answer (SSE), then
// the verified answer with numbered citation markers and the sources it quotes.
import { byId, duration, el, meta, plural, setStatus, show } from './dom.js';
import { ApiError, request } from './http.js';
import { openArticle } from './reader.js';
import { sseEvents } from './sse.js';

const ABSTAIN_REASONS = {
  model: 'The model found nothing in the retrieved passages that answers it.',
  unsupported: 'Nothing the model wrote could be checked against the articles, so none of it is shown.',
  no_evidence: 'No passage in the articles was relevant enough to answer from.',
  off_question: 'What the articles state does not give what the question asks for.',
  unstable: 'The model stated something else when it read the same passages in reverse order, so neither answer is shown.',
};

let limits = { question: null };
let current = null; // the question being answered: {controller, started, timer}
let shown = null; // the answer on the page (its citations open articles)

const form = () => byId('ask-form');
const question = () => byId('question');

// ---- the form ------------------------------------------------------------------------

function filtersFromForm() {
  const filters = {};
  for (const name of ['since', 'until', 'source']) {
    const value = byId(name).value.trim();
    if (value) filters[name] = value;
  }
  return Object.keys(filters).length ? filters : null;
}

function updateFilterSummary() {
  const f = filtersFromForm() || {};
  byId('filter-summary').textContent = meta(f.since && `since ${f.since}`, f.until && `until ${f.until}`,
    f.source && `source ${f.source}`);
}

function questionError(text) {
  const box = byId('question-error');
  box.textContent = text || '';
  show(box, Boolean(text));
  if (text) question().setAttribute('aria-invalid', 'true');
  else question().removeAttribute('aria-invalid');
}

function updateCount() {
  const max = limits.question;
  const n = question().value.length;
  const counter = byId('question-count');
  if (!max || n < max * 0.8) { counter.textContent = ''; return; }
  counter.textContent = `${n.toLocaleString()} / ${max.toLocaleString()} characters`;
  counter.dataset.over = n > max ? 'yes' : '';
}

function onSubmit(e) {
  e.preventDefault();
  const text = question().value;
  if (!text.trim()) {
    questionError('Type a question first.');
    question().focus();
    return;
  }
  if (limits.question && text.length > limits.question) {
    questionError(`Your question is ${text.length.toLocaleString()} characters long; this server accepts at most ` +
      `${limits.question.toLocaleString()}. Shorten it and ask again.`);
    question().focus();
    return;
  }
  const filters = filtersFromForm();
  if (filters?.since && filters?.until && filters.since > filters.until) {
    setStatus(byId('ask-status'), 'The “on or after” date is later than the “on or before” date.', 'error');
    return;
  }
  questionError('');
  ask(text, filters);
}

// ---- asking --------------------------------------------------------------------------

function stopCurrent() {
  if (!current) return;
  current.controller.abort();
  clearInterval(current.timer);
  current = null;
  show(byId('stop-button'), false);
}

function retryButton(q, filters) {
  return el('button', { type: 'button', class: 'quiet', onclick: () => ask(q, filters) }, 'Try again');
}

/** Ask `q` and stream its answer into the page. */
export async function ask(q, filters) {
  stopCurrent();
  const controller = new AbortController();
  const job = { controller, started: performance.now() };
  current = job;
  const status = byId('ask-status');
  const answerBox = byId('answer');
  const body = byId('answer-body');
  show(byId('stop-button'));
  answerBox.dataset.state = 'waiting';
  body.style.minHeight = '';
  body.replaceChildren();
  byId('answer-extra').replaceChildren();
  byId('timings').textContent = '';
  byId('citations').replaceChildren();
  show(byId('sources'), false);
  show(answerBox, false);
  const waiting = () => setStatus(status, `Searching the articles and reading the best passages… ` +
    `${Math.round((performance.now() - job.started) / 1000)} s`, 'busy');
  waiting();
  job.timer = setInterval(waiting, 1000);
  const finish = () => { if (current === job) { clearInterval(job.timer); current = null; show(byId('stop-button'), false); } };

  let response;
  try {
    response = await request('v1/answer', {
      method: 'POST', signal: controller.signal,
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(filters ? { question: q, filters } : { question: q }),
      onBusy: (left) => { clearInterval(job.timer); setStatus(status, `The server is busy; retrying in ${left} s…`, 'busy'); },
    });
  } catch (e) {
    finish();
    if (e.name === 'AbortError') return;
    answerBox.dataset.state = 'error';
    if (e instanceof ApiError && e.status === 422 && /question/i.test(e.message)) { // shown by the question box
      questionError(e.message);
      setStatus(status, '');
      question().focus();
      return;
    }
    const retryable = !(e instanceof ApiError) || e.status === 0 || e.status >= 500 || e.status === 429;
    setStatus(status, e.message, 'error', retryable && retryButton(q, filters));
    return;
  }
  if (current !== job) return;
  clearInterval(job.timer);

  if (!(response.headers.get('Content-Type') || '').includes('text/event-stream')) {
    finish();
    const answer = await response.json();
    renderAnswer(answer);
    announceAnswer(answer);
    return;
  }

  setStatus(status, 'Writing…', 'busy');
  const streamed = document.createTextNode('');
  body.replaceChildren(el('p', { class: 'answer-text' }, streamed));
  answerBox.dataset.state = 'streaming';
  show(answerBox);
  let final = false;
  try {
    for await (const { event, data } of sseEvents(response)) {
      let payload;
      try { payload = JSON.parse(data); } catch { continue; }
      if (event === 'token') {
        streamed.appendData(payload.text ?? '');
      } else if (event === 'checking') { // the model reads the passages again; the text above may not stand
        answerBox.dataset.state = 'checking';
        setStatus(status, 'Checking the answer…', 'busy');
      } else if (event === 'answer') {
        renderAnswer(payload);
        final = true;
        announceAnswer(payload);
      } else if (event === 'error') {
        finish();
        answerBox.dataset.state = 'error';
        const message = payload.error?.message || 'unknown error';
        setStatus(status, `The answer failed part-way (${payload.status || 'error'}): ${message}`, 'error',
          retryButton(q, filters));
        return;
      } else if (event === 'done') {
        break;
      }
    }
  } catch (e) {
    if (e.name === 'AbortError' || current !== job) { // stopped, or a newer question took over
      if (!final) answerBox.dataset.state = 'stopped';
      return;
    }
  }
  finish();
  if (!final) {
    answerBox.dataset.state = 'dropped';
    setStatus(status, 'The connection dropped before the answer was complete.', 'error', retryButton(q, filters));
  }
}

// ---- the final answer ----------------------------------------------------------------

/** For screen readers only (the status line keeps its height, so nothing moves). */
function announceAnswer(a) {
  const n = Array.isArray(a.citations) ? a.citations.length : 0;
  setStatus(byId('ask-status'), a.abstained ? 'The articles do not answer this question.'
    : `Answer ready, with ${plural(n, 'source')}.`, 'done');
}

function markerButton(id, citation) {
  return el('button', {
    type: 'button', class: 'marker', dataset: { cite: id },
    'aria-label': `Source ${id}${citation ? `: ${citation.title || citation.doc_id}` : ''}`,
  }, `[${id}]`);
}

/** A sentence with its markers before its final punctuation, as the server writes them. */
function sentenceNodes(sentence, byNumber) {
  const ids = (sentence.citations || []).filter((id) => byNumber.has(id));
  const text = sentence.text || '';
  const nodes = [];
  const end = /[.!?]+["'\u201d\u2019)]*$/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  nodes.push(head);
  for (const id of ids) nodes.push(' ', markerButton(id, byNumber.get(id)));
  nodes.push(end ? end[0] : '');
  const span = el('span', { class: sentence.supported === false ? 'sentence unverified' : 'sentence' }, ...nodes);
  if (sentence.supported === false) {
    span.title = 'Not verified against the cited passage';
    span.append(el('span', { class: 'visually-hidden' }, ' (not verified against the cited passage)'));
  }
  return span;
}

/** The answer text with [n] markers turned into buttons (when there are no sentences). */
function answerTextNodes(text, byNumber) {
  const nodes = [];
  let at = 0;
  for (const m of text.matchAll(/\[(\d+)\]/g)) {
    const id = Number(m[1]);
    if (!byNumber.has(id)) continue;
    nodes.push(text.slice(at, m.index), markerButton(id, byNumber.get(id)));
    at = m.index + m[0].length;
  }
  nodes.push(text.slice(at));
  return nodes;
}

function citationItem(c) {
  return el('li', { class: 'citation', id: `cite-${c.id}`, dataset: { cite: c.id } },
    el('button', { type: 'button', class: 'cite-open', dataset: { cite: c.id } },
      el('span', { class: 'num' }, `[${c.id}]`), ' ', c.title || c.doc_id),
    el('p', { class: 'meta' }, meta(c.source, c.published, c.doc_id)),
    el('blockquote', { class: 'quote' }, c.quote));
}

function renderWithheld(withheld) {
  if (!Array.isArray(withheld) || !withheld.length) return null;
  return el('div', { class: 'withheld' },
    el('p', {}, withheld.length === 1 ? 'One sentence the model wrote was left out, for the reason given:'
      : `${withheld.length} sentences the model wrote were left out, each for the reason given:`),
    el('ul', {}, withheld.map((w) => el('li', {}, el('q', {}, w.text || ''), w.reason ? ` — ${w.reason}` : ''))));
}

export function renderAnswer(a) {
  const box = byId('answer');
  const body = byId('answer-body');
  body.style.minHeight = `${body.offsetHeight}px`; // the final text takes the streamed text's place: no jump
  const citations = Array.isArray(a.citations) ? a.citations : [];
  const byNumber = new Map(citations.map((c) => [c.id, c]));
  if (a.abstained) { // not an error: the articles do not hold the answer, and Byline says so
    const reason = a.abstain_reason ? (ABSTAIN_REASONS[a.abstain_reason] || `Reason: ${a.abstain_reason}.`) : '';
    body.replaceChildren(el('p', { class: 'notice answer-text' },
      el('strong', {}, a.answer || 'The articles do not say.'), reason && ` ${reason}`));
  } else {
    const sentences = Array.isArray(a.sentences) && a.sentences.length ? a.sentences : null;
    body.replaceChildren(el('p', { class: 'answer-text' },
      sentences ? sentences.flatMap((s, i) => [i ? ' ' : '', sentenceNodes(s, byNumber)])
        : answerTextNodes(a.answer || '', byNumber)));
  }
  byId('answer-extra').replaceChildren(...[renderWithheld(a.withheld)].filter(Boolean));
  const t = a.timings_ms || {};
  byId('timings').textContent = meta(t.retrieve != null && `search ${duration(t.retrieve)}`,
    t.prompt != null && `first token ${duration(t.prompt)}`, t.total != null && `total ${duration(t.total)}`, a.model);
  byId('citations').replaceChildren(...citations.map(citationItem));
  show(byId('sources'), citations.length > 0);
  box.dataset.state = 'final';
  box.dataset.abstained = a.abstained ? 'yes' : '';
  show(box);
  shown = a;
}

function openCitation(id, opener) {
  const c = shown?.citations?.find((x) => x.id === id);
  if (!c) return;
  const sameArticle = shown.citations.filter((x) => x.doc_id === c.doc_id);
  openArticle(c.doc_id, { citations: sameArticle, focusId: id, opener });
}

// ---- wiring --------------------------------------------------------------------------

export function initAsk() {
  form().addEventListener('submit', onSubmit);
  question().addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form().requestSubmit();
    }
  });
  question().addEventListener('input', () => { updateCount(); if (byId('question-error').textContent) questionError(''); });
  for (const name of ['since', 'until', 'source']) byId(name).addEventListener('change', updateFilterSummary);
  byId('stop-button').addEventListener('click', () => {
    stopCurrent();
    setStatus(byId('ask-status'), 'Stopped.');
    question().focus();
  });
  byId('answer').addEventListener('click', (e) => {
    const target = e.target.closest('[data-cite]');
    if (target && (target.classList.contains('marker') || target.classList.contains('cite-open'))) {
      openCitation(Number(target.dataset.cite), target);
    }
  });
  updateCount();
}

export function setLimits(serverLimits) {
  limits = serverLimits;
  updateCount();
}
