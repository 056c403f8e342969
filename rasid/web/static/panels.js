// The event panel: what Rasid coded, who says so, the evidence inside the article, the review.
import { api } from "./api.js";
import { clear, el, fmtNumber, locate, markedText, safeLink } from "./dom.js";
import { reviewBox } from "./review.js";

function row(label, ...value) {
  return el("div", { class: "kv" }, el("span", { class: "k", text: label }), el("span", { class: "v", dir: "auto" }, ...value));
}

function actorText(ctx, actor) {
  if (!actor || (!actor.name && !actor.text)) return null;
  const side = actor.side ? ` (${ctx.sideName(actor.side)})` : "";
  const said = actor.text && actor.text !== actor.name ? ` «${actor.text}»` : "";
  return `${actor.name || actor.text}${side}${said}`;
}

/** "13 (10–15, at least)" from a toll {total, low, high, bound, civilians, children, women}. */
export function tollText(t, toll) {
  if (!toll || (toll.total === null && toll.low === null && toll.high === null)) {
    return toll?.reported ? t("toll_unknown") : "–";
  }
  const parts = [fmtNumber(toll.best ?? toll.total)];
  if (toll.low !== null && toll.high !== null && toll.low !== toll.high) parts.push(`(${toll.low}–${toll.high})`);
  if (toll.bound && toll.bound !== "exact") parts.push(`[${t(`bound_${toll.bound}`)}]`);
  const detail = ["civilians", "children", "women"]
    .filter((k) => toll[k] !== null && toll[k] !== undefined)
    .map((k) => `${t(k)}: ${toll[k]}`);
  if (detail.length) parts.push(`— ${detail.join("، ")}`);
  return parts.join(" ");
}

function placeText(loc) {
  if (!loc) return "–";
  const names = [loc.name, loc.name_en].filter(Boolean);
  const where = [loc.admin1, loc.country].filter(Boolean).join(", ");
  return `${[...new Set(names)].join(" / ")}${where ? ` — ${where}` : ""}`;
}

// Why an event is left out of the incidents ("hedged:denial" is the reason and its kind).
function specialText(t, reasons) {
  return reasons
    .map((reason) => {
      const [name, kind] = String(reason).split(":");
      const label = t(`special_${name}`, name);
      return kind ? `${label} (${t(`hedge_${kind}`, kind)})` : label;
    })
    .join("؛ ");
}

function dateText(t, rec) {
  if (!rec.date) return t("date_unknown");
  const notes = [];
  if (rec.date_precision) notes.push(`${t("precision")}: ${t(`precision_${rec.date_precision}`, rec.date_precision)}`);
  if (rec.date_from) notes.push(t(`date_from_${rec.date_from}`, rec.date_from));
  return `${rec.date}${notes.length ? ` (${notes.join("؛ ")})` : ""}`;
}

function attributions(list) {
  if (!list?.length) return "–";
  return list.map((a) => [a.text, a.outlet && a.outlet !== a.text ? `(${a.outlet})` : ""].filter(Boolean).join(" ")).join("؛ ");
}

function denials(list) {
  if (!list?.length) return null;
  return list.map((d) => (typeof d === "string" ? d : d.text || d.name || d.actor || JSON.stringify(d))).join("؛ ");
}

export function reviewStatusText(ctx, review) {
  if (!review) return ctx.t("not_reviewed");
  const who = [review.by, review.at].filter(Boolean).join(", ");
  return `${ctx.t(`status_${review.status}`)}${who ? ` — ${who}` : ""}${review.note ? ` — ${review.note}` : ""}`;
}

function storyIdOf(rec) {
  return rec.story_id ?? rec.story?.id ?? rec.story ?? rec.article?.story_id ?? rec.article?.story ?? null;
}

/** Fill `panel` with one event record (as GET /api/events/{id} gives it). */
export async function renderEvent(panel, rec, ctx) {
  const { t } = ctx;
  clear(panel);
  const status = el("div", { class: `review-status ${rec.review?.status || "none"}`, "data-testid": "review-status" }, reviewStatusText(ctx, rec.review));
  const head = el("h2", { dir: "auto" }, ctx.typeName(rec.event_type), rec.sub_event_type ? ` · ${ctx.typeName(rec.sub_event_type)}` : "");
  const facts = el(
    "div",
    { class: "facts" },
    row(t("actor1"), actorText(ctx, rec.actor1) || "–"),
    row(t("actor2"), actorText(ctx, rec.actor2) || "–"),
    rec.assoc_actors?.length ? row(t("assoc_actors"), rec.assoc_actors.map((a) => actorText(ctx, a)).filter(Boolean).join("؛ ")) : null,
    row(t("place"), placeText(rec.location)),
    row(t("date"), dateText(t, rec)),
    row(t("killed"), tollText(t, rec.killed)),
    row(t("injured"), tollText(t, rec.injured)),
    row(t("attributed"), attributions(rec.attributed_to)),
    row(t("hedged"), rec.hedged ? `${t("yes")}${rec.hedge_cue ? ` «${rec.hedge_cue}»` : ""}${rec.hedge_kind ? ` (${rec.hedge_kind})` : ""}` : t("no")),
    denials(rec.denied_by) ? row(t("denied"), denials(rec.denied_by)) : null,
    row(t("confidence"), rec.confidence === null || rec.confidence === undefined ? "–" : Number(rec.confidence).toFixed(2)),
    rec.special?.length ? row(t("special"), specialText(t, rec.special)) : null,
    typeof rec.incident_probability === "number" ? row(t("incident_probability"), rec.incident_probability.toFixed(2)) : null,
    rec.review?.before && Object.keys(rec.review.before).length ? row(t("before_review"), JSON.stringify(rec.review.before)) : null,
  );
  const art = rec.article || {};
  const source = el(
    "div",
    { class: "source" },
    el("strong", { dir: "auto" }, art.source || ""),
    art.published ? ` · ${art.published}` : "",
    " · ",
    art.url ? safeLink(art.url, art.title || art.url) : el("span", { dir: "auto" }, art.title || ""),
  );
  const evidence = el("div", { class: "evidence", "data-testid": "evidence", dir: "rtl", lang: "ar" }, t("loading"));
  const storySlot = el("div", { class: "story-slot" });
  panel.append(head, status, facts, reviewBox(rec, ctx), source, storySlot, el("h3", { text: t("article_text") }), evidence);
  let article = null;
  if (art.id !== undefined && art.id !== null) {
    try {
      article = await api(`api/articles/${encodeURIComponent(art.id)}`);
    } catch {
      article = null; // the message line says why
    }
  }
  storySlot.append(storyLink(storyIdOf(rec) ?? article?.story_id ?? null, ctx));
  fillEvidence(evidence, article, rec);
}

function storyLink(storyId, ctx) {
  if (storyId === null || storyId === undefined) return el("span", { class: "story-link none", "data-testid": "story-link", text: ctx.t("no_story") });
  const open = (e) => {
    e.preventDefault();
    ctx.openStory(storyId);
  };
  return el("a", { href: `?st=${encodeURIComponent(storyId)}`, class: "story-link", "data-testid": "story-link", onclick: open }, ctx.t("story_link"));
}

function fillEvidence(box, article, rec) {
  clear(box);
  if (!article) return;
  const text = article.text || "";
  const ev = rec.evidence || {};
  const where = locate(text, ev.text, ev.start, ev.end);
  const { frag, marks } = markedText(text, where ? [where] : [], { class: "evidence-mark" });
  box.append(frag);
  if (!where && ev.text) box.prepend(el("p", { class: "evidence-only" }, el("mark", { class: "evidence-mark" }, ev.text)));
  const mark = marks[0] || box.querySelector("mark");
  if (!mark) return;
  requestAnimationFrame(() => {
    box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
    mark.scrollIntoView({ block: "nearest", behavior: "instant" });
  });
}
