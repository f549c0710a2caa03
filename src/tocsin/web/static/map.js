// The events map, drawn with no network at all: no tile server, the world's country borders come
// from the vendored Natural Earth TopoJSON, the points from /events/map.json (same filters as
// the list). Popups are built as DOM nodes with textContent: a title is data, never markup.
"use strict";
(() => {
  const el = document.getElementById("event-map");
  if (!el || typeof L === "undefined") return;
  const status = document.getElementById("map-status");
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const say = (key, n) => {
    if (!status) return;
    const text = el.dataset[key] || "";
    status.textContent = n === undefined ? text : text.replace("{n}", numbers.format(n));
  };

  const map = L.map(el, {
    center: [20, 0], zoom: 2, minZoom: 1, maxZoom: 16, worldCopyJump: true,
    attributionControl: false, keyboard: true,
  });
  map.createPane("borders").style.zIndex = 250; // under markers, above the map's background

  if (el.dataset.world && typeof topojson !== "undefined") {
    fetch(el.dataset.world, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((world) => {
        const countries = topojson.feature(world, world.objects.countries);
        L.geoJSON(countries, {
          pane: "borders", interactive: false,
          style: { color: "#7b8794", weight: 0.7, fillColor: "#eef1ea", fillOpacity: 1 },
        }).addTo(map);
      })
      .catch(() => say("failed"));
  }

  const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  map.addLayer(cluster);

  const popup = (id, title) => {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = "/events/" + encodeURIComponent(id);
    link.textContent = title;
    box.appendChild(link);
    return box;
  };

  let shown = null;
  let serial = 0;
  const load = (url) => {
    if (url === shown) return;
    shown = url;
    const mine = ++serial;
    cluster.clearLayers();
    if (!url) { say("none"); return; }
    say("loading");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((data) => {
        if (mine !== serial) return; // a newer filter has been asked for meanwhile
        const markers = [];
        for (const f of data.features || []) {
          const [lon, lat] = f.geometry.coordinates;
          const title = String((f.properties && f.properties.title) || "");
          const marker = L.marker([lat, lon], { title: title, alt: title, keyboard: true });
          marker.bindPopup(popup(String(f.id), title));
          markers.push(marker);
        }
        cluster.addLayers(markers);
        if (markers.length) map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 9 });
        if (data.capped) say("capped", data.limit);
        else if (markers.length) say("shown", markers.length);
        else say("none");
      })
      .catch(() => { if (mine === serial) say("failed"); });
  };

  load(el.dataset.points || "");
  // The filters changed through htmx: the results region carries the new points address.
  document.addEventListener("htmx:afterSettle", () => {
    const results = document.getElementById("results");
    if (results) load(results.dataset.points || "");
  });
})();
