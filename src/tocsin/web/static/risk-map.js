// The risk ranking's world map: countries coloured by their forecast level, drawn with no
// network beyond this server (the borders are the vendored Natural Earth TopoJSON, the figures
// come in the page itself). Tooltips are DOM nodes filled with textContent: names are data.
// Without script the section stays hidden and the ranking table carries the same figures.
"use strict";
(() => {
  const el = document.getElementById("risk-map");
  if (!el || typeof L === "undefined" || typeof topojson === "undefined") return;
  const section = el.closest("[data-map-section]");
  if (section) section.hidden = false;
  const status = document.getElementById("map-status");
  const say = (text) => { if (status) status.textContent = text || ""; };

  let figures = {};
  try { figures = JSON.parse(el.dataset.figures || "{}"); } catch (e) { figures = {}; }
  const css = getComputedStyle(document.documentElement);
  const colour = (band) => (css.getPropertyValue("--level-" + band.replace("_", "-")).trim() || "#999");
  const none = css.getPropertyValue("--level-none").trim() || "#eef1ea";

  const map = L.map(el, {
    center: [15, 10], zoom: 2, minZoom: 1, maxZoom: 7, worldCopyJump: true,
    attributionControl: false, keyboard: true,
  });

  const label = (fig) => {
    const box = document.createElement("div");
    const name = document.createElement("strong");
    name.textContent = fig.name;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    const rank = (el.dataset.rank || "{n}").replace("{n}", String(fig.rank));
    box.appendChild(document.createTextNode(fig.probability + " · " + rank));
    return box;
  };

  fetch(el.dataset.world, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
    .then((world) => {
      const countries = topojson.feature(world, world.objects.countries);
      // Antarctica (010) has no forecast, and on this projection it is a band across the map.
      countries.features = countries.features.filter((f) => f.id !== "010");
      L.geoJSON(countries, {
        style: (feature) => {
          const fig = figures[feature.id];
          return { color: "#7b8794", weight: 0.6, fillOpacity: 1,
                   fillColor: fig ? colour(fig.band) : none };
        },
        onEachFeature: (feature, layer) => {
          const fig = figures[feature.id];
          if (!fig) return;
          layer.bindTooltip(label(fig), { sticky: true });
          layer.on("click", () => { window.location.assign(fig.href); });
        },
      }).addTo(map);
      el.dataset.drawn = String(Object.keys(figures).length);
      say("");
    })
    .catch(() => say(el.dataset.failed));
})();
