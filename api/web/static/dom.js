// Small DOM helpers. Text always goes in as text nodes, never parsed as HTML: article text,
// titles and model output are untrusted.

export const byId = (id) => document.getElementById(id);

/** el('a', {href: '#x', class: 'y', onclick: f}, 'text', child) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c != null && c !== false));
  return node;
}

export function show(node, visible = true) {
  node.hidden = !visible;
}

/** "12 ms", "4.2 s", "83 s" */
export function duration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "source · date" from the parts that are present. */
export function meta(...parts) {
  return parts.filter((p) => p != null && p !== false && String(p).trim() !== '').join(' · ');
}

/** A status line: text, a kind (info|busy|error|ok) and optional buttons. */
export function setStatus(node, text, kind = 'info', ...buttons) {
  node.dataset.kind = text ? kind : '';
  node.replaceChildren(...(text ? [el('span', {}, text), ...buttons] : []));
}
