// The claim box (POST /api/check) and article search (GET /api/search).
import { api, pagedList, query } from "./api.js";
import { clear, el, markedText, safeLink } from "./dom.js";

function passageNode(p, ctx) {
  const text = p.sentence || p.passage || "";
  const stance = p.stance ? ctx.t(`stance_${p.stance}`) : "";
  return el(
    "li",
    { class: `passage stance-${p.stance || "none"}`, "data-testid": "claim-passage" },
    el(
      "div",
      { class: "passage-meta" },
      el("strong", { dir: "auto", text: p.outlet || "?" }),
      " · ",
      el("span", { dir: "ltr", text: p.published || ctx.t("date_unknown") }),
      stance ? ` · ${stance}` : "",
      p.url ? [" · ", safeLink(p.url, ctx.t("source_link"))] : "",
    ),
    el("blockquote", { dir: "auto", text: text }),
  );
}

export function renderVerdict(box, result, ctx) {
  const { t } = ctx;
  clear(box);
  const label = result.label || result.verdict || "";
  const reasons = (result.label_reasons || []).map((r) => t(`reason_${r}`, String(r).replaceAll("_", " ")));
  const explanation = ctx.lang === "ar" ? result.explanation_ar : result.explanation_en;
  const passages = (result.sources?.length ? result.sources : result.evidence || []).slice(0, 12);
  box.append(
    el(
      "div",
      { class: `verdict label-${String(label).replace(/[^a-z_]/gi, "")}`, "data-testid": "claim-verdict" },
      el("strong", { text: `${t("verdict")}: ${t(`label_${label}`, label)}` }),
      result.p_true !== undefined && result.p_true !== null ? el("span", { class: "p-true", text: ` (p=${Number(result.p_true).toFixed(2)})` }) : null,
    ),
    explanation ? el("p", { class: "explanation", dir: "auto", text: explanation }) : null,
    !explanation && reasons.length ? el("ul", { class: "reasons" }, ...reasons.map((r) => el("li", { text: r }))) : null,
    el("h4", { text: t("passages") }),
    passages.length ? el("ol", { class: "passages" }, ...passages.map((p) => passageNode(p, ctx))) : el("p", { text: t("no_results") }),
  );
}

export function setupClaimBox(ctx) {
  const form = document.getElementById("claim-form");
  const input = document.querySelector('[data-testid="claim-input"]');
  const asOf = document.getElementById("claim-as-of");
  const box = document.getElementById("claim-result");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const claim = input.value.trim();
    if (!claim) return;
    box.replaceChildren(el("p", { class: "loading", text: ctx.t("checking") }));
    const body = { claim };
    if (asOf.value) body.as_of = asOf.value;
    try {
      renderVerdict(box, await api("api/check", { method: "POST", body }), ctx);
    } catch {
      clear(box);
    }
  });
}

function resultNode(item, ctx) {
  const art = item.article || {};
  const { frag } = markedText(item.snippet || "", item.highlights || []);
  return el(
    "li",
    { class: "search-hit", "data-testid": "search-hit" },
    el(
      "div",
      { class: "hit-head" },
      el("a", { href: "#", dir: "auto", onclick: (e) => { e.preventDefault(); ctx.openArticle(art.id); } }, art.title || `#${art.id}`),
    ),
    el("div", { class: "hit-meta" }, el("span", { dir: "auto", text: art.source || "" }), " · ", el("span", { dir: "ltr", text: art.published || "" })),
    el("p", { class: "snippet", dir: "auto" }, frag),
  );
}

export function setupSearch(ctx) {
  const form = document.getElementById("search-form");
  const input = document.querySelector('[data-testid="search-input"]');
  const list = document.querySelector('[data-testid="search-results"]');
  const show = pagedList(list, (item) => resultNode(item, ctx), {
    moreText: ctx.t("more"),
    emptyText: ctx.t("no_results"),
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    ctx.showTab("search");
    show(`api/search${query({ q, limit: 20 })}`, true);
  });
}
