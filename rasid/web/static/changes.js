// The "what changed since" panel: the change feed (GET /api/changes) and the alerts (GET /api/alerts)
// since a chosen time; an event or story change opens it.
import { api, pagedList, query } from "./api.js";
import { clear, el } from "./dom.js";

const HOURS = { day: 24, week: 24 * 7, month: 24 * 30 };

/** The UTC time `period` ago (day, week, month), as the API takes it; "" for all. */
export function sinceTime(period, now = new Date()) {
  const hours = HOURS[period];
  if (!hours) return "";
  return new Date(now.getTime() - hours * 3600 * 1000).toISOString().slice(0, 19);
}

/** One line of what a change did, in the page's language. */
export function changeText(ctx, change) {
  const { t } = ctx;
  const a = change.after || {};
  const b = change.before || {};
  const where = a.place || b.place || "";
  const arrow = ctx.lang === "en" ? "→" : "←"; // from before to after, in the reading direction
  switch (change.kind) {
    case "event_added":
      return `${ctx.typeName(a.event_type)}${where ? ` — ${where}` : ""}${a.fatalities ? ` (${t("killed")}: ${a.fatalities})` : ""}`;
    case "event_changed":
      if ("fatalities" in b) return `${t("killed")}: ${b.fatalities ?? "–"} ${arrow} ${a.fatalities ?? "–"}${where ? ` — ${where}` : ""}`;
      return `${ctx.typeName(a.event_type)}${where ? ` — ${where}` : ""}`;
    case "event_withdrawn":
      return `${ctx.typeName(b.event_type)}${b.place ? ` — ${b.place}` : ""}`;
    case "story_new":
    case "story_grew":
      return a.title || `#${change.story_id}`;
    case "contradiction_new":
      return (a.facts || []).map((f) => ctx.facts[f.fact] || f.fact).join("، ");
    case "verdict_changed":
      return `${change.claim || ""} (${t(`label_${b.label}`, b.label)} ${arrow} ${t(`label_${a.label}`, a.label)})`;
    default:
      return "";
  }
}

function changeNode(ctx, change) {
  const open = change.event && change.kind !== "event_withdrawn"
    ? () => ctx.openEvent(change.event)
    : change.story_id ? () => ctx.openStory(change.story_id) : null;
  const label = el("span", { class: "change-text", dir: "auto", text: changeText(ctx, change) });
  return el(
    "li",
    { class: `change-item kind-${change.kind}`, "data-testid": "change-item", "data-kind": change.kind },
    el("span", { class: "change-kind", text: ctx.t(`change_${change.kind}`, change.kind) }),
    " ",
    open ? el("a", { href: "#", onclick: (e) => { e.preventDefault(); open(); } }, label) : label,
    el("span", { class: "change-at", dir: "ltr", text: ` ${String(change.at || "").slice(0, 16).replace("T", " ")}` }),
  );
}

function alertNode(ctx, alert) {
  const ev = alert.evidence || {};
  return el(
    "li",
    { class: "alert-item", "data-testid": "alert-item" },
    el("strong", { text: alert.rule }),
    " ",
    el("span", { dir: "auto", text: alert.message }),
    ev.quote ? el("blockquote", { dir: "auto", text: ev.quote }) : null,
  );
}

export function setupChanges(ctx) {
  const period = document.getElementById("changes-since");
  const list = document.querySelector('[data-testid="changes-list"]');
  const alerts = document.querySelector('[data-testid="alerts-list"]');
  const show = pagedList(list, (change) => changeNode(ctx, change), {
    moreText: ctx.t("more"),
    emptyText: ctx.t("no_changes"),
  });
  const load = async () => {
    const since = sinceTime(period.value);
    await show(`api/changes${query({ since, order: "desc", limit: 100 })}`, true);
    try {
      const data = await api(`api/alerts${query({ since, limit: 200 })}`);
      clear(alerts);
      for (const alert of [...(data.items || [])].reverse()) alerts.append(alertNode(ctx, alert));
    } catch {
      clear(alerts);
    }
  };
  period.addEventListener("change", load);
  document.querySelector('nav.tabs button[data-tab="changes"]').addEventListener("click", load);
  return { load };
}
