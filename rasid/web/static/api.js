// Calls to Rasid's HTTP API. Every failure is shown in the message line (never swallowed) and
// re-thrown so the caller stops what it was doing.
import { clear, el, testid } from "./dom.js";

const TOKEN_KEY = "rasid-token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let pending = 0;

function busy(delta) {
  pending += delta;
  document.body.classList.toggle("busy", pending > 0);
}

export function showError(message) {
  const line = testid("message");
  line.textContent = message;
  line.hidden = !message;
}

/** Query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** The path and query of a `next` link the API gave, resolved against this page's own origin. */
export function localPath(link) {
  const url = new URL(link, document.baseURI);
  return `${url.pathname}${url.search}`;
}

/** Fetch JSON from `path` (relative to the page) or from a `next` URL the API gave. */
export async function api(path, { method = "GET", body = undefined, auth = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth && token()) headers.Authorization = `Bearer ${token()}`;
  const url = new URL(path, document.baseURI);
  if (url.origin !== location.origin) throw new ApiError(0, `refusing to call another origin: ${url.origin}`);
  busy(1);
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    showError(`${method} ${url.pathname}: ${err.message}`);
    throw err;
  } finally {
    busy(-1);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = data?.error?.message || response.statusText || "error";
    showError(`${method} ${url.pathname}: ${response.status} ${message}`);
    throw new ApiError(response.status, message);
  }
  return data;
}

/**
 * A list filled page by page from an API listing (`items`, `next`), with a "more" button after it.
 * Returns `show(url, reset)`: fetch a page, replace (reset) or extend the list; an empty first page
 * shows `emptyText`. A failed call leaves the list as it was (the error is in the message line).
 */
export function pagedList(list, render, { moreText, emptyText }) {
  const more = el("button", { type: "button", class: "more", hidden: true, text: moreText });
  let next = null;
  const show = async (url, reset) => {
    let data;
    try {
      data = await api(url);
    } catch {
      return;
    }
    if (reset) clear(list);
    for (const item of data.items || []) list.append(render(item));
    if (reset && !(data.items || []).length) list.append(el("li", { class: "empty", text: emptyText }));
    next = data.next || null;
    more.hidden = !next;
  };
  list.after(more);
  more.addEventListener("click", () => next && show(localPath(next), false));
  return show;
}
