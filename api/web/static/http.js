// Talking to the public API: the API key (sessionStorage only), error bodies turned into
// sentences people understand, one retry after 429/503 + Retry-After, a key prompt on 401.
import { byId, show } from './dom.js';

const KEY = 'byline.apiKey';
const BUSY_RETRY_MAX_S = 120;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** Encode each segment of a document id (ids may contain '/'). */
export function documentPath(docId) {
  return 'v1/documents/' + docId.split('/').map(encodeURIComponent).join('/');
}

/** Seconds from a Retry-After header (seconds or an HTTP date), or null. */
export function retryAfterSeconds(value) {
  if (!value) return null;
  const n = Number(value);
  const s = Number.isFinite(n) ? n : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(s) ? Math.min(BUSY_RETRY_MAX_S, Math.max(1, Math.ceil(s))) : null;
}

async function errorFrom(response) {
  let code = `http_${response.status}`;
  let message = `The server answered ${response.status} ${response.statusText}`.trim() + '.';
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(response.status, code, message);
}

function sleep(seconds, signal, onTick) {
  return new Promise((resolve, reject) => {
    let left = seconds;
    onTick?.(left);
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) { clearInterval(timer); resolve(); } else onTick?.(left);
    }, 1000);
    signal?.addEventListener('abort', () => {
      clearInterval(timer);
      reject(new DOMException('aborted', 'AbortError'));
    }, { once: true });
  });
}

/**
 * fetch() a public API path (relative, e.g. 'v1/answer') with the API key, if any.
 * A 401 asks for a key and tries again; a 429/503 with Retry-After waits (calling
 * onBusy(secondsLeft)) and tries once more. Other failures throw ApiError.
 */
export async function request(path, { method = 'GET', headers = {}, body, signal, onBusy } = {}) {
  let busyRetried = false;
  for (;;) {
    const sent = new Headers(headers);
    const key = apiKey.get();
    if (key) sent.set('Authorization', `Bearer ${key}`);
    let response;
    try {
      response = await fetch(path, { method, headers: sent, body, signal, cache: 'no-store' });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'Cannot reach the Byline server. Is `byline serve` still running?');
    }
    if (response.status === 401) {
      const given = await askForKey(key ? 'That key was refused. Enter a valid API key.'
        : 'This server needs an API key for its articles and answers.');
      if (given == null) throw new ApiError(401, 'unauthorized', 'An API key is needed. Use the “API key” button to enter one.');
      continue;
    }
    const wait = retryAfterSeconds(response.headers.get('Retry-After'));
    if ((response.status === 429 || response.status === 503) && wait != null && !busyRetried) {
      busyRetried = true;
      await sleep(wait, signal, onBusy);
      continue;
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      if (busyRetried && (response.status === 429 || response.status === 503)) {
        error.message = `The server is still busy: ${error.message}`;
      }
      throw error;
    }
    return response;
  }
}

export async function getJSON(path, options) {
  return (await request(path, options)).json();
}

// ---- the key prompt ------------------------------------------------------------------

let pendingKey = null; // one prompt at a time, shared by every request that got a 401
let keyAsked = false; // the server asked for a key at least once

export function askForKey(message) {
  if (!pendingKey) {
    pendingKey = promptForKey(message).finally(() => { pendingKey = null; });
  }
  return pendingKey;
}

function promptForKey(message) {
  keyAsked = true;
  const dialog = byId('key-dialog');
  const input = byId('key-input');
  const forget = byId('key-forget');
  byId('key-message').textContent = message;
  input.value = '';
  show(forget, Boolean(apiKey.get()));
  return new Promise((resolve) => {
    const done = (value) => {
      cleanup();
      if (dialog.open) dialog.close();
      keyButton();
      resolve(value);
    };
    const onSubmit = (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) { input.focus(); return; }
      apiKey.set(key);
      done(key);
    };
    const onCancel = (e) => { e.preventDefault(); done(null); };
    const onForget = () => { apiKey.clear(); done(null); };
    const form = byId('key-form');
    const cancel = byId('key-cancel');
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    forget.addEventListener('click', onForget);
    dialog.addEventListener('cancel', onCancel); // Escape
    function cleanup() {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      forget.removeEventListener('click', onForget);
      dialog.removeEventListener('cancel', onCancel);
    }
    dialog.showModal();
    input.focus();
  });
}

/** The header button: shown once a key is kept (or was asked for), to change or forget it. */
export function keyButton() {
  const button = byId('key-button');
  button.textContent = apiKey.get() ? 'Change API key' : 'Enter API key';
  show(button, Boolean(apiKey.get()) || keyAsked);
}

// ---- what the server states about itself ---------------------------------------------

function maxLength(prop) {
  for (const branch of prop?.anyOf || [prop]) {
    if (branch && Number.isInteger(branch.maxLength)) return branch.maxLength;
  }
  return null;
}

/** {question: max characters} from this server's /openapi.json (null if unknown). */
export async function serverLimits() {
  try {
    const response = await fetch('openapi.json', { cache: 'no-store' });
    if (!response.ok) return { question: null };
    const spec = await response.json();
    return { question: maxLength(spec.components?.schemas?.AnswerRequest?.properties?.question) };
  } catch {
    return { question: null };
  }
}
