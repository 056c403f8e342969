// DOM helpers. Every piece of text that comes from the API goes in through textContent or a text
// node; nothing article-derived is ever parsed as HTML.

/** Create an element: el("div", {class: "x", "data-testid": "y"}, child, "text", ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

export function testid(name) {
  return document.querySelector(`[data-testid="${name}"]`);
}

/** A link only for http(s) URLs; anything else (javascript:, data:, relative junk) stays plain text. */
export function safeLink(url, label) {
  const text = label ?? url ?? "";
  if (typeof url !== "string") return document.createTextNode(text);
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return document.createTextNode(text);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return document.createTextNode(text);
  return el("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer" }, text);
}

/**
 * Text with some [start, end) ranges wrapped in <mark>: returns a fragment of text nodes and mark
 * elements. Ranges are sorted and clipped; overlapping ones are merged.
 */
export function markedText(text, ranges, markAttrs = {}) {
  const frag = document.createDocumentFragment();
  const spans = (ranges || [])
    .map(([a, b]) => [Math.max(0, a | 0), Math.min(text.length, b | 0)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let pos = 0;
  const marks = [];
  for (const [a, b] of spans) {
    const start = Math.max(a, pos);
    if (b <= start) continue;
    if (start > pos) frag.append(document.createTextNode(text.slice(pos, start)));
    const mark = el("mark", markAttrs, text.slice(start, b));
    marks.push(mark);
    frag.append(mark);
    pos = b;
  }
  if (pos < text.length) frag.append(document.createTextNode(text.slice(pos)));
  return { frag, marks };
}

/** Where `needle` sits in `text`: the given offsets when they match, else the first occurrence. */
export function locate(text, needle, start, end) {
  if (!needle) return null;
  if (Number.isInteger(start) && Number.isInteger(end) && text.slice(start, end) === needle) return [start, end];
  const at = text.indexOf(needle);
  if (at >= 0) return [at, at + needle.length];
  const head = needle.slice(0, 40);
  const near = head ? text.indexOf(head) : -1;
  return near >= 0 ? [near, Math.min(text.length, near + needle.length)] : null;
}

export function fmtNumber(n) {
  return n === null || n === undefined ? "–" : String(n);
}
