// Library: the articles a page at a time (with a filter box), open one, upload files by
// picker or drag-and-drop (one request per file, so each gets its own result), delete.
import { byId, el, meta, plural, setStatus, show } from './dom.js';
import { documentPath, getJSON, request } from './http.js';
import { openArticle } from './reader.js';

const PAGE = 20;
const ALL_PAGE = 1000; // the route's largest page, used to fetch every summary for filtering
const EXTENSIONS = ['.txt', '.md', '.html', '.json', '.jsonl'];

const state = { offset: 0, total: 0, filter: '', all: null, loaded: false };

const status = (text, kind, ...buttons) => setStatus(byId('library-status'), text, kind, ...buttons);

async function allSummaries() {
  if (!state.all) {
    const all = [];
    for (let offset = 0; ; offset += ALL_PAGE) {
      const page = await getJSON(`v1/documents?offset=${offset}&limit=${ALL_PAGE}`);
      all.push(...page.documents);
      if (!page.documents.length || all.length >= page.total) break;
    }
    state.all = all;
  }
  return state.all;
}

function matches(doc, words) {
  const text = `${doc.doc_id} ${doc.title} ${doc.source}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

/** The current page: from the server, or from every summary when a filter is typed. */
async function fetchPage() {
  if (!state.filter) {
    const page = await getJSON(`v1/documents?offset=${state.offset}&limit=${PAGE}`);
    return { docs: page.documents, total: page.total };
  }
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const found = (await allSummaries()).filter((d) => matches(d, words));
  return { docs: found.slice(state.offset, state.offset + PAGE), total: found.length };
}

function docItem(doc) {
  const name = doc.title || doc.doc_id;
  return el('li', { class: 'doc', dataset: { docId: doc.doc_id } },
    el('div', { class: 'doc-main' },
      el('button', { type: 'button', class: 'link doc-open', onclick: (e) => openArticle(doc.doc_id, { opener: e.currentTarget }) }, name),
      el('p', { class: 'meta' }, meta(doc.doc_id !== name && doc.doc_id, doc.source, doc.published,
        plural(doc.chunks, 'passage'), doc.complete === false && 'incomplete ingest'))),
    el('button', { type: 'button', class: 'quiet danger-text doc-delete', 'aria-label': `Delete ${name}`,
      onclick: () => confirmDelete(doc) }, 'Delete'));
}

export async function loadLibrary() {
  status('Loading…', 'busy');
  let page;
  try {
    page = await fetchPage();
  } catch (e) {
    status(`Could not list the articles: ${e.message}`, 'error',
      el('button', { type: 'button', class: 'quiet', onclick: loadLibrary }, 'Try again'));
    return;
  }
  if (!page.docs.length && state.offset > 0) { // the last page emptied (a delete): step back
    state.offset = Math.max(0, state.offset - PAGE);
    return loadLibrary();
  }
  state.total = page.total;
  state.loaded = true;
  byId('doc-list').replaceChildren(...page.docs.map(docItem));
  const empty = state.filter ? 'No article matches the filter.' : 'No articles yet: add some above.';
  status(page.docs.length ? '' : empty);
  byId('doc-count').textContent = state.filter ? `${plural(page.total, 'match', 'matches')}` : plural(page.total, 'article');
  const last = Math.min(state.offset + PAGE, page.total);
  byId('page-info').textContent = page.total > PAGE ? `${state.offset + 1}–${last} of ${page.total.toLocaleString()}` : '';
  byId('prev-page').disabled = state.offset === 0;
  byId('next-page').disabled = last >= page.total;
  show(byId('prev-page').parentElement, page.total > PAGE);
}

export function ensureLibrary() {
  if (!state.loaded) loadLibrary();
}

function changed() {
  state.all = null; // an upload or delete makes the cached summaries stale
}

// ---- delete --------------------------------------------------------------------------

function confirmDialog(text) {
  const dialog = byId('confirm-dialog');
  byId('confirm-text').textContent = text;
  return new Promise((resolve) => {
    const done = (ok) => (e) => {
      e?.preventDefault();
      form.removeEventListener('submit', yes);
      cancel.removeEventListener('click', no);
      dialog.removeEventListener('cancel', no);
      if (dialog.open) dialog.close();
      resolve(ok);
    };
    const form = byId('confirm-form');
    const cancel = byId('confirm-cancel');
    const yes = done(true);
    const no = done(false);
    form.addEventListener('submit', yes);
    cancel.addEventListener('click', no);
    dialog.addEventListener('cancel', no);
    dialog.showModal();
    cancel.focus(); // the safe choice is the default
  });
}

async function confirmDelete(doc) {
  const opener = document.activeElement;
  const name = doc.title || doc.doc_id;
  const ok = await confirmDialog(`“${name}” (${doc.doc_id}) and its ${plural(doc.chunks, 'passage')} will be ` +
    'removed from Byline. Answers will no longer use it.');
  if (!ok) { opener?.focus(); return; }
  try {
    await request(documentPath(doc.doc_id), { method: 'DELETE' });
  } catch (e) {
    status(`Could not delete ${doc.doc_id}: ${e.message}`, 'error');
    opener?.focus();
    return;
  }
  changed();
  await loadLibrary();
  status(`Deleted “${name}”.`, 'ok');
  (byId('doc-list').querySelector('.doc-open') || byId('doc-filter')).focus();
}

// ---- upload --------------------------------------------------------------------------

function outcome(result) {
  const parts = [];
  for (const key of ['added', 'updated', 'unchanged']) {
    if (result[key]) parts.push(result[key] > 1 ? `${key} ${result[key]}` : key);
  }
  const failed = (result.failed || []).map((f) => `failed: ${f.reason}`);
  return { text: [...parts, ...failed].join(', ') || 'nothing to add', ok: !failed.length };
}

async function uploadOne(file, line) {
  const lower = file.name.toLowerCase();
  if (!EXTENSIONS.some((ext) => lower.endsWith(ext))) {
    return { text: `failed: Byline reads ${EXTENSIONS.join(' ')} files`, ok: false };
  }
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    const response = await request('v1/documents', {
      method: 'POST', body: form,
      onBusy: (left) => { line.textContent = `busy, retrying in ${left} s…`; },
    });
    return outcome(await response.json());
  } catch (e) {
    return { text: `failed: ${e.message}`, ok: false };
  }
}

export async function uploadFiles(files) {
  const list = byId('upload-results');
  list.replaceChildren();
  if (!files.length) return;
  let changedAny = false;
  for (const file of files) {
    const result = el('span', { class: 'result' }, 'uploading…');
    const item = el('li', { dataset: { state: 'busy' } }, el('span', { class: 'file' }, file.name), ' — ', result);
    list.append(item);
    const { text, ok } = await uploadOne(file, result);
    result.textContent = text;
    item.dataset.state = ok ? 'ok' : 'failed';
    changedAny ||= ok;
  }
  if (changedAny) {
    changed();
    state.filter = byId('doc-filter').value.trim();
    await loadLibrary();
  }
}

// ---- wiring --------------------------------------------------------------------------

function initDrop() {
  const zone = byId('drop');
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  zone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', (e) => { if (!zone.contains(e.relatedTarget)) zone.classList.remove('over'); });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    uploadFiles([...e.dataTransfer.files]);
  });
  // a file dropped elsewhere on the page must not replace the page with the file
  window.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
  window.addEventListener('drop', (e) => { if (hasFiles(e)) e.preventDefault(); });
}

export function initLibrary() {
  const input = byId('file-input');
  byId('choose-files').addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    uploadFiles([...input.files]);
    input.value = '';
  });
  initDrop();
  let typing;
  byId('doc-filter').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.filter = byId('doc-filter').value.trim();
      state.offset = 0;
      loadLibrary();
    }, 200);
  });
  byId('prev-page').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); loadLibrary(); });
  byId('next-page').addEventListener('click', () => { state.offset += PAGE; loadLibrary(); });
}
