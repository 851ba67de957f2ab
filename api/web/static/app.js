// Byline's web page: plain JS modules over the public HTTP API (/v1), no framework.
import { initAsk, setLimits } from './ask.js';
import { byId, show } from './dom.js';
import { apiKey, askForKey, keyButton, serverLimits } from './http.js';
import { ensureLibrary, initLibrary, loadLibrary } from './library.js';
import { closeArticle, initReader } from './reader.js';

const VIEWS = ['ask', 'library'];

function route() {
  const name = location.hash.slice(1);
  if (!VIEWS.includes(name) && name !== '') return; // an in-page anchor: keep the view
  const view = name || 'ask';
  for (const v of VIEWS) {
    show(byId(v), v === view);
    const link = byId(`nav-${v}`);
    if (v === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view === 'library') ensureLibrary();
}

function initReportLink() {
  const report = document.querySelector('meta[name="byline-report"]')?.content;
  if (report) {
    byId('nav-report').href = report;
    show(byId('nav-report'));
    show(byId('report-hint'), false);
  }
}

function initKeyButton() {
  keyButton();
  byId('key-button').addEventListener('click', async () => {
    const had = apiKey.get();
    const key = await askForKey(had ? 'Enter a different API key, or forget this one.' : 'Enter the API key for this server.');
    if (key != null && byId('library').hidden === false) loadLibrary();
    byId('key-button').focus();
  });
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !document.querySelector('dialog[open]')) closeArticle();
});

initAsk();
initLibrary();
initReader();
initReportLink();
initKeyButton();
window.addEventListener('hashchange', route);
route();
serverLimits().then(setLimits);
