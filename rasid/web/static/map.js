// The event map: Natural Earth outlines shipped with Rasid (no tile server), clustered event
// markers coloured by type and sized by fatalities, gazetteer place labels at high zoom.
/* global L */
import { api, query } from "./api.js";
import { el } from "./dom.js";

export const PALETTE_SIZE = 8;
const LABEL_ZOOM = 10;
const MAX_ZOOM = 15;

/** Marker side in pixels: grows with the log of the fatalities, capped. */
export function markerSize(fatalities) {
  const n = Number(fatalities) > 0 ? Number(fatalities) : 0;
  return Math.round(Math.min(36, 12 + 5 * Math.log2(1 + n)));
}

/** {zoom, center} from "zoom/lat/lon", or null when missing or malformed. */
export function parseView(text) {
  const parts = String(text || "").split("/").map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [zoom, lat, lon] = parts;
  if (zoom < 2 || zoom > MAX_ZOOM || Math.abs(lat) > 85 || Math.abs(lon) > 180) return null;
  return { zoom: Math.round(zoom), center: [lat, lon] };
}

export class EventMap {
  constructor(container, { onSelect, t, typeName, view, onView }) {
    this.onSelect = onSelect;
    this.t = t;
    this.typeName = typeName;
    this.types = [];
    this.markers = new Map();
    this.map = L.map(container, { minZoom: 2, maxZoom: MAX_ZOOM, worldCopyJump: false, zoomControl: true });
    const start = parseView(view);
    this.map.setView(start ? start.center : [34.5, 39], start ? start.zoom : 5);
    this.fitted = Boolean(start);
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution("Natural Earth · Leaflet");
    this.renderer = L.canvas({ padding: 0.3 });
    this.clusters = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      spiderfyOnMaxZoom: true,
    });
    this.map.addLayer(this.clusters);
    this.map.createPane("labels").style.zIndex = 450; // above the outlines, under the markers
    this.labels = L.layerGroup().addTo(this.map);
    this.legend = L.control({ position: "bottomleft" });
    this.legend.onAdd = () => el("div", { class: "legend", "data-testid": "legend" });
    this.legend.addTo(this.map);
    this.map.on("moveend", () => {
      this.refreshLabels();
      if (onView) onView(this.view());
    });
    this.basemap = this.loadBasemap();
    this.refreshLabels();
  }

  async loadBasemap() {
    const [countries, admin1] = await Promise.all([
      api("static/basemap/countries.geojson"),
      api("static/basemap/admin1.geojson"),
    ]);
    L.geoJSON(countries, {
      renderer: this.renderer,
      interactive: false,
      style: { color: "#8d8778", weight: 1, fillColor: "#f3efe4", fillOpacity: 1 },
    }).addTo(this.map).bringToBack();
    L.geoJSON(admin1, {
      renderer: this.renderer,
      interactive: false,
      style: { color: "#b9ae92", weight: 0.8, dashArray: "4 3", fill: false },
    }).addTo(this.map);
  }

  typeIndex(type) {
    const at = this.types.indexOf(type);
    return at >= 0 ? at % PALETTE_SIZE : PALETTE_SIZE - 1;
  }

  setTypes(types) {
    this.types = [...types];
    this.renderLegend();
  }

  renderLegend() {
    const box = this.legend.getContainer();
    if (!box) return;
    box.replaceChildren(el("div", { class: "legend-title", text: this.t("legend") }));
    for (const type of this.types) {
      box.append(
        el("div", { class: "legend-row" }, el("span", { class: `swatch ev-c${this.typeIndex(type)}` }), el("span", { dir: "auto" }, this.typeName(type))),
      );
    }
    box.append(el("div", { class: "legend-note", text: this.t("legend_size") }));
  }

  /** points: [[id, lat, lon, type, fatalities, date], ...] as /api/events/points gives them. */
  setPoints(points) {
    this.clusters.clearLayers();
    this.markers.clear();
    const layers = [];
    for (const [id, lat, lon, type, fatalities, date] of points) {
      if (typeof lat !== "number" || typeof lon !== "number") continue;
      const size = markerSize(fatalities);
      const icon = L.divIcon({
        className: `ev-marker ev-c${this.typeIndex(type)}${fatalities > 0 ? " ev-deadly" : ""}`,
        iconSize: [size, size],
      });
      const title = `${date || ""} ${this.typeName(type)}${fatalities ? ` · ${fatalities}` : ""}`;
      const marker = L.marker([lat, lon], { icon, title, keyboard: true, riseOnHover: true });
      marker.eventId = id;
      marker.on("click", () => this.onSelect(id));
      this.markers.set(id, marker);
      layers.push(marker);
    }
    this.clusters.addLayers(layers);
    if (!this.fitted && layers.length) {
      this.fitted = true;
      this.map.fitBounds(this.clusters.getBounds(), { maxZoom: 8, padding: [20, 20] });
    }
  }

  /** Highlight the selected event and bring it into view when it is on the map. */
  select(id, zoomTo = false) {
    for (const node of this.map.getContainer().querySelectorAll(".ev-marker.selected")) node.classList.remove("selected");
    const marker = this.markers.get(id);
    if (!marker) return;
    const show = () => marker.getElement()?.classList.add("selected");
    if (zoomTo) this.clusters.zoomToShowLayer(marker, show);
    else show();
  }

  async refreshLabels() {
    this.labels.clearLayers();
    if (this.map.getZoom() < LABEL_ZOOM) return;
    const b = this.map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(4)).join(",");
    let data;
    try {
      data = await api(`api/places${query({ bbox })}`);
    } catch {
      return; // already shown in the message line
    }
    const arabic = document.documentElement.lang === "ar";
    for (const [, nameAr, nameEn, lat, lon, kind] of (data.places || []).slice(0, 400)) {
      if (typeof lat !== "number" || typeof lon !== "number") continue;
      const label = el("span", { dir: "auto" }, (arabic ? nameAr || nameEn : nameEn || nameAr) || "");
      L.tooltip({ pane: "labels", permanent: true, direction: "center", className: `place-label kind-${String(kind || "").replace(/[^a-z_]/gi, "")}`, interactive: false })
        .setLatLng([lat, lon])
        .setContent(label)
        .addTo(this.labels);
    }
  }

  /** "zoom/lat/lon" of the current view, for the page URL. */
  view() {
    const c = this.map.getCenter();
    return `${this.map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
  }

  invalidate() {
    this.map.invalidateSize();
  }
}
