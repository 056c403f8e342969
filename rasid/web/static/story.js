// The story view: its articles by outlet and date, the source-by-fact matrix with contradicted
// facts marked (each value with who holds it), recycled items and single-source facts.
import { clear, el } from "./dom.js";

export function valueText(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "object") return Array.isArray(value) ? value.map(valueText).join(", ") : JSON.stringify(value);
  return String(value);
}

/** "#1 · killed.civilians" in the page's language: "control:حلب" and "killed.combatants (government)" too. */
function factName(fact, ctx) {
  const words = ctx.facts || {};
  const m = /^([^:(]+?)(?::(.+)|\s*\((.+)\))?$/.exec(String(fact.fact)) || [null, String(fact.fact)];
  const base = words[m[1]] || m[1];
  const detail = m[2] ? ` ${m[2]}` : m[3] ? ` (${ctx.sideName(m[3])})` : "";
  return `#${fact.incident} · ${base}${detail}`;
}

function factValue(value, ctx) {
  const text = valueText(value);
  return (ctx.facts || {})[text] || text;
}

function articlesByOutlet(story, ctx) {
  const groups = new Map();
  for (const article of story.articles || []) {
    const key = article.outlet || "?";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(article);
  }
  const box = el("div", { class: "story-articles" });
  for (const [outlet, articles] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    articles.sort((a, b) => String(a.published || "").localeCompare(String(b.published || "")));
    box.append(
      el("h4", { dir: "auto", text: outlet }),
      el(
        "ul",
        {},
        ...articles.map((a) =>
          el(
            "li",
            { dir: "auto" },
            el("span", { class: "date", dir: "ltr", text: a.published || ctx.t("date_unknown") }),
            " ",
            el("a", { href: "#", class: "article-link", onclick: (e) => { e.preventDefault(); ctx.openArticle(a.id); } }, a.title || `#${a.id}`),
            a.recycled ? el("span", { class: "badge recycled", text: ` ${ctx.t("recycled")}` }) : null,
          ),
        ),
      ),
    );
  }
  return box;
}

function matrix(story, ctx) {
  const holders = story.holders || [];
  const table = el("table", { class: "matrix", "data-testid": "story-matrix" });
  table.append(el("thead", {}, el("tr", {}, el("th", { text: ctx.t("fact") }), el("th", { text: ctx.t("status") }), ...holders.map((h) => el("th", { dir: "auto", text: h })))));
  const body = el("tbody");
  for (const fact of story.facts || []) {
    const cells = fact.cells || {};
    body.append(
      el(
        "tr",
        { class: `fact ${fact.status}` },
        el("th", { dir: "auto", text: factName(fact, ctx) }),
        el("td", { text: ctx.t(`fact_${fact.status}`) }),
        ...holders.map((h) => el("td", { dir: "auto", text: h in cells ? [].concat(cells[h]).map((v) => factValue(v, ctx)).join(", ") : "" })),
      ),
    );
  }
  table.append(body);
  return el("div", { class: "matrix-wrap" }, table);
}

function contradictions(story, ctx) {
  const facts = (story.facts || []).filter((f) => f.status === "contradicted");
  if (!facts.length) return el("p", { text: ctx.t("no_contradictions") });
  return el(
    "div",
    { class: "contradictions" },
    ...facts.map((fact) =>
      el(
        "div",
        { class: "contradiction", "data-testid": "contradiction" },
        el("strong", { dir: "auto", text: factName(fact, ctx) }),
        el(
          "ul",
          {},
          ...(fact.values || []).map((v) =>
            el("li", {}, el("span", { class: "value", dir: "auto", text: factValue(v.value, ctx) }), ` — ${ctx.t("held_by")}: `, el("span", { class: "holders", dir: "auto", text: (v.holders || []).join("، ") })),
          ),
        ),
      ),
    ),
  );
}

function recycled(story, ctx) {
  const items = (story.articles || []).filter((a) => a.recycled);
  if (!items.length) return el("p", { text: ctx.t("none") });
  return el(
    "ul",
    { class: "recycled-list", "data-testid": "story-recycled" },
    ...items.map((a) => {
      const r = a.recycled;
      const detail = typeof r === "object" ? ctx.t("recycled_detail").replace("{article}", r.original_article_id ?? "?").replace("{story}", r.original_story_id ?? "?").replace("{days}", r.gap_days ?? "?") : String(r);
      return el("li", { dir: "auto" }, `${a.outlet || ""}: ${a.title || `#${a.id}`} — ${detail}`);
    }),
  );
}

function singleSource(story, ctx) {
  const facts = (story.facts || []).filter((f) => f.status === "single-source");
  if (!facts.length) return el("p", { text: ctx.t("none") });
  return el(
    "ul",
    { class: "single-source", "data-testid": "story-single-source" },
    ...facts.map((f) => el("li", { dir: "auto" }, el("span", { dir: "auto", text: factName(f, ctx) }), `: ${(f.values || []).map((v) => `${factValue(v.value, ctx)} (${(v.holders || []).join("، ")})`).join("؛ ")}`)),
  );
}

export function renderStory(box, story, ctx) {
  const { t } = ctx;
  clear(box);
  const span = [story.first_date, story.last_date].filter(Boolean);
  const places = (story.places || []).map((p) => (typeof p === "object" ? p.name : p)).join("، ");
  box.append(
    el("h2", { dir: "auto", text: story.title || `#${story.id}` }),
    el("p", { class: "meta" }, el("span", { dir: "ltr", text: [...new Set(span)].join(" → ") }), places ? ` · ${places}` : "", ` · ${story.article_count ?? (story.articles || []).length} ${t("articles_word")}`),
    el("h3", { text: t("story_articles") }),
    articlesByOutlet(story, ctx),
    el("h3", { text: t("contradicted_facts") }),
    contradictions(story, ctx),
    el("h3", { text: t("story_matrix") }),
    matrix(story, ctx),
    el("h3", { text: t("recycled_items") }),
    recycled(story, ctx),
    el("h3", { text: t("single_source_facts") }),
    singleSource(story, ctx),
  );
  if (story.retractions?.length) {
    box.append(el("h3", { text: t("retractions") }), el("ul", {}, ...story.retractions.map((r) => el("li", { dir: "auto", text: valueText(r.text || r.evidence || r) }))));
  }
}
