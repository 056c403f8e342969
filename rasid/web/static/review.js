// Review buttons for one event: confirm, reject, or correct (a small form). Needs the write token;
// hidden when the server is read-only.
import { api, token } from "./api.js";
import { el } from "./dom.js";

const REVIEWER_KEY = "rasid-reviewer";

function field(label, input) {
  return el("label", { class: "field" }, el("span", { text: label }), input);
}

function currentValues(rec) {
  const toll = (x) => (x && x.total !== null && x.total !== undefined ? String(x.total) : "");
  return {
    event_type: rec.event_type || "",
    sub_event_type: rec.sub_event_type || "",
    actor1: rec.actor1?.name || rec.actor1?.text || "",
    actor2: rec.actor2?.name || rec.actor2?.text || "",
    location: rec.location?.name || rec.location?.name_en || "",
    date: rec.date || "",
    killed: toll(rec.killed),
    injured: toll(rec.injured),
  };
}

/** The fields of the correction form whose value differs from what Rasid coded. */
export function changedFields(before, form) {
  const changes = {};
  for (const [key, value] of Object.entries(form)) {
    const text = String(value ?? "").trim();
    if (text === "" || text === before[key]) continue;
    changes[key] = key === "killed" || key === "injured" ? Number.parseInt(text, 10) : text;
  }
  return changes;
}

function correctForm(rec, ctx, submit) {
  const before = currentValues(rec);
  const typeSelect = el("select", { name: "event_type" }, ...ctx.meta.event_types.map((ty) => el("option", { value: ty, selected: ty === rec.event_type }, ctx.typeName(ty))));
  const inputs = {
    event_type: typeSelect,
    sub_event_type: el("input", { name: "sub_event_type", value: before.sub_event_type, dir: "auto" }),
    actor1: el("input", { name: "actor1", value: before.actor1, dir: "auto", list: "actor-names" }),
    actor2: el("input", { name: "actor2", value: before.actor2, dir: "auto", list: "actor-names" }),
    location: el("input", { name: "location", value: before.location, dir: "auto" }),
    date: el("input", { name: "date", type: "date", value: before.date }),
    killed: el("input", { name: "killed", type: "number", min: "0", value: before.killed }),
    injured: el("input", { name: "injured", type: "number", min: "0", value: before.injured }),
  };
  const form = el(
    "form",
    { class: "correct-form", "data-testid": "review-form" },
    ...Object.entries(inputs).map(([key, input]) => field(ctx.t(key), input)),
    el("button", { type: "submit", "data-testid": "review-correct-save", text: ctx.t("save") }),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const values = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value]));
    const changes = changedFields(before, values);
    if (!Object.keys(changes).length) {
      ctx.showError(ctx.t("nothing_changed"));
      return;
    }
    submit("correct", changes);
  });
  return form;
}

export function reviewBox(rec, ctx) {
  const { t } = ctx;
  if (ctx.meta.read_only) return el("div", { class: "review read-only", text: t("read_only") });
  const note = el("input", { class: "review-note", placeholder: t("note"), dir: "auto", "data-testid": "review-note" });
  const reviewer = el("input", { class: "reviewer", placeholder: t("reviewer"), dir: "auto", value: localStorage.getItem(REVIEWER_KEY) || "" });
  const formSlot = el("div", { class: "form-slot" });
  const submit = async (action, changes = null) => {
    localStorage.setItem(REVIEWER_KEY, reviewer.value.trim());
    const body = { action, changes, note: note.value.trim(), reviewer: reviewer.value.trim() };
    const updated = await api(`api/events/${encodeURIComponent(rec.id)}/review`, { method: "POST", body, auth: true });
    ctx.showError("");
    await ctx.onReviewed(updated);
  };
  const confirm = el("button", { type: "button", class: "review-confirm", "data-testid": "review-confirm", text: t("confirm") });
  const reject = el("button", { type: "button", class: "review-reject", "data-testid": "review-reject", text: t("reject") });
  const correct = el("button", { type: "button", class: "review-correct", "data-testid": "review-correct", text: t("correct") });
  confirm.addEventListener("click", () => submit("confirm").catch(() => {}));
  reject.addEventListener("click", () => submit("reject").catch(() => {}));
  correct.addEventListener("click", () => {
    if (formSlot.firstChild) formSlot.replaceChildren();
    else formSlot.append(correctForm(rec, ctx, (action, changes) => submit(action, changes).catch(() => {})));
  });
  const buttons = [confirm, reject, correct];
  const sync = () => {
    const missing = !token();
    for (const b of buttons) {
      b.disabled = missing;
      b.title = missing ? t("need_token") : "";
    }
  };
  sync();
  ctx.onTokenChange(sync);
  return el("div", { class: "review" }, el("div", { class: "review-buttons" }, ...buttons), el("div", { class: "review-inputs" }, note, reviewer), formSlot);
}
