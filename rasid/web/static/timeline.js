// Events per day as SVG bars; dragging across it selects a date range (the "brush").
import { el } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const DAY = 86400000;
const HEIGHT = 90;
const AXIS = 16;

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

export function dayNumber(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY);
}

export function isoDay(number) {
  return new Date(number * DAY).toISOString().slice(0, 10);
}

export class Timeline {
  /** svgNode: the <svg data-testid="timeline">; onBrush(since, until) with ISO days or nulls. */
  constructor(svgNode, { onBrush, t }) {
    this.svg = svgNode;
    this.onBrush = onBrush;
    this.t = t;
    this.days = [];
    this.range = [null, null];
    this.drag = null;
    this.svg.addEventListener("pointerdown", (e) => this.down(e));
    this.svg.addEventListener("pointermove", (e) => this.move(e));
    this.svg.addEventListener("pointerup", (e) => this.up(e));
    this.svg.addEventListener("pointercancel", () => { this.drag = null; this.render(); });
    new ResizeObserver(() => this.render()).observe(this.svg);
  }

  setDays(days) {
    this.days = days || [];
    this.render();
  }

  setRange(since, until) {
    this.range = [since || null, until || null];
    this.render();
  }

  /** The days drawn: those between the 0.5th and 99.5th percentile of events (a few misdated
   * reports from centuries away must not squash the war into one pixel), widened to the selection. */
  span() {
    if (!this.days.length) return null;
    const rows = this.days.map(([day, n]) => [dayNumber(day), n]).sort((a, b) => a[0] - b[0]);
    const total = rows.reduce((sum, [, n]) => sum + n, 0);
    let seen = 0;
    let low = rows[0][0];
    let high = rows[rows.length - 1][0];
    let lowSet = false;
    for (const [day, n] of rows) {
      if (!lowSet && seen + n > total * 0.005) {
        low = day;
        lowSet = true;
      }
      seen += n;
      if (seen >= total * 0.995) {
        high = day;
        break;
      }
    }
    const [since, until] = this.range;
    if (since) low = Math.min(low, dayNumber(since));
    if (until) high = Math.max(high, dayNumber(until));
    return [low, Math.max(low, high)];
  }

  /** Events on days outside the drawn span. */
  outside(span) {
    return this.days.reduce((sum, [day, n]) => {
      const d = dayNumber(day);
      return d < span[0] || d > span[1] ? sum + n : sum;
    }, 0);
  }

  geometry() {
    const width = Math.max(100, this.svg.clientWidth || this.svg.getBoundingClientRect().width || 600);
    const span = this.span();
    const count = span ? span[1] - span[0] + 1 : 1;
    return { width, span, count, step: width / count };
  }

  dayAt(clientX) {
    const { span, step } = this.geometry();
    if (!span) return null;
    const x = clientX - this.svg.getBoundingClientRect().left;
    const index = Math.max(0, Math.min(span[1] - span[0], Math.floor(x / step)));
    return span[0] + index;
  }

  down(event) {
    const day = this.dayAt(event.clientX);
    if (day === null) return;
    this.svg.setPointerCapture?.(event.pointerId);
    this.drag = [day, day];
    this.render();
  }

  move(event) {
    if (!this.drag) return;
    this.drag[1] = this.dayAt(event.clientX);
    this.render();
  }

  up(event) {
    if (!this.drag) return;
    this.drag[1] = this.dayAt(event.clientX);
    const [a, b] = [Math.min(...this.drag), Math.max(...this.drag)];
    this.drag = null;
    this.range = [isoDay(a), isoDay(b)];
    this.render();
    this.onBrush(this.range[0], this.range[1]);
  }

  render() {
    const { width, span, step } = this.geometry();
    this.svg.setAttribute("viewBox", `0 0 ${width} ${HEIGHT}`);
    this.svg.setAttribute("height", HEIGHT);
    this.svg.replaceChildren();
    if (!span) {
      this.svg.append(svg("text", { x: width / 2, y: HEIGHT / 2, "text-anchor": "middle", class: "tl-empty" }, this.t("no_events")));
      return;
    }
    const plot = HEIGHT - AXIS - 4;
    const bars = svg("g", { class: "tl-bars" });
    const drawn = this.days.filter(([day]) => dayNumber(day) >= span[0] && dayNumber(day) <= span[1]);
    const top = Math.max(1, ...drawn.map(([, n]) => n));
    for (const [day, events, fatalities] of drawn) {
      const x = (dayNumber(day) - span[0]) * step;
      const h = Math.max(1, (events / top) * plot);
      const bar = svg("rect", { x, y: 4 + plot - h, width: Math.max(2, step - (step > 3 ? 1 : 0)), height: h, class: fatalities > 0 ? "tl-bar deadly" : "tl-bar" });
      bar.append(svg("title", {}, `${day}: ${events} ${this.t("events_word")}, ${fatalities} ${this.t("killed_word")}`));
      bars.append(bar);
    }
    this.svg.append(bars);
    this.renderAxis(span, step, width);
    const hidden = this.outside(span);
    if (hidden) this.svg.append(svg("text", { x: width - 2, y: 12, "text-anchor": "end", class: "tl-outside" }, `+${hidden} ${this.t("outside_range")}`));
    const shown = this.drag ? [Math.min(...this.drag), Math.max(...this.drag)] : this.selectedSpan();
    if (shown) {
      const x = (shown[0] - span[0]) * step;
      this.svg.append(svg("rect", { x, y: 0, width: Math.max(2, (shown[1] - shown[0] + 1) * step), height: HEIGHT - AXIS, class: "tl-brush" }));
    }
  }

  selectedSpan() {
    const [since, until] = this.range;
    if (!since && !until) return null;
    const span = this.span();
    return [since ? dayNumber(since) : span[0], until ? dayNumber(until) : span[1]];
  }

  renderAxis(span, step, width) {
    const axis = svg("g", { class: "tl-axis" });
    axis.append(svg("line", { x1: 0, x2: width, y1: HEIGHT - AXIS, y2: HEIGHT - AXIS }));
    const count = span[1] - span[0] + 1;
    const ticks = Math.min(count, Math.max(2, Math.min(8, Math.floor(width / 110))));
    if (ticks === 1) {
      axis.append(svg("text", { x: width / 2, y: HEIGHT - 3, "text-anchor": "middle" }, isoDay(span[0])));
      this.svg.append(axis);
      return;
    }
    for (let i = 0; i < ticks; i++) {
      const day = span[0] + Math.round((i * (count - 1)) / (ticks - 1));
      const x = (day - span[0] + 0.5) * step;
      const anchor = i === 0 ? "start" : i === ticks - 1 ? "end" : "middle";
      axis.append(svg("text", { x: i === 0 ? 0 : i === ticks - 1 ? width : x, y: HEIGHT - 3, "text-anchor": anchor }, isoDay(day)));
    }
    this.svg.append(axis);
  }
}

export function rangeLabel(t, since, until) {
  if (!since && !until) return t("range_all");
  return el("span", { dir: "ltr" }, `${since || "…"} → ${until || "…"}`);
}
