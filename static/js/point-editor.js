// The point editor in the admin: place the point by clicking the drawing, and
// put steps in order by dragging them (or with the up and down buttons).
// The number fields stay the stored value and can always be typed in: this
// script only fills them in and keeps the drawing in step with them.
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const MAP_W = 500, MAP_H = 1000, DETAIL = 400;
  const MARKER = "#b3261e";

  function field(name) { return document.getElementById("id_" + name); }

  // --- Placing the point ----------------------------------------------------------
  function setUpPlacer(placer) {
    const inputs = {
      view: field("view"), paired: field("paired"), detail: field("detail"),
      mapX: field("map_x"), mapY: field("map_y"), detailX: field("detail_x"), detailY: field("detail_y"),
    };
    if (!inputs.mapX || !inputs.mapY) return;
    const figures = Array.from(placer.querySelectorAll(".placer-figure"));
    const num = (input) => (input && input.value !== "" ? parseFloat(input.value) : NaN);
    const fix = (v) => (Math.round(Math.min(Math.max(v, 0), 1) * 1000) / 1000).toFixed(3);
    const paired = () => inputs.paired && inputs.paired.checked;

    function windowOf(div) {
      if (!div.dataset.window) return null;
      const [left, top, size] = div.dataset.window.split(" ").map(parseFloat);
      return { left, top, size };
    }

    function drawMarkers(div, spots, scale) {
      const group = div.querySelector("svg > g.markers");
      if (!group) return;
      group.replaceChildren();
      spots.forEach(([cx, cy]) => {
        const g = document.createElementNS(NS, "g");
        g.setAttribute("class", "marker");
        const halo = document.createElementNS(NS, "circle");
        halo.setAttribute("class", "marker-halo");
        halo.setAttribute("r", String(19 * scale));
        halo.setAttribute("fill", MARKER);
        halo.setAttribute("opacity", "0.22");
        const dot = document.createElementNS(NS, "circle");
        dot.setAttribute("class", "marker-dot");
        dot.setAttribute("r", String(9 * scale));
        dot.setAttribute("fill", MARKER);
        dot.setAttribute("stroke", "#ffffff");
        dot.setAttribute("stroke-width", String(3 * scale));
        [halo, dot].forEach((c) => { c.setAttribute("cx", String(cx)); c.setAttribute("cy", String(cy)); g.appendChild(c); });
        group.appendChild(g);
      });
    }

    function show() {
      const view = inputs.view ? inputs.view.value : "back";
      const kind = inputs.detail ? inputs.detail.value : "";
      figures.forEach((div) => {
        let visible;
        if (div.dataset.frame === "map") visible = div.dataset.view === view;
        else visible = div.dataset.kind === kind &&
          (div.dataset.front === undefined || (div.dataset.front === "1") === (view === "front"));
        div.hidden = !visible;
      });
      const x = num(inputs.mapX), y = num(inputs.mapY);
      const dx = num(inputs.detailX), dy = num(inputs.detailY);
      figures.forEach((div) => {
        if (div.hidden) return;
        if (div.dataset.frame === "map") {
          if (isNaN(x) || isNaN(y)) { drawMarkers(div, [], 1); return; }
          const spots = [[x * MAP_W, y * MAP_H]];
          if (paired() && Math.abs(x - 0.5) > 1e-6) spots.push([(1 - x) * MAP_W, y * MAP_H]);
          drawMarkers(div, spots, 1);
        } else {
          if (isNaN(dx) || isNaN(dy)) { drawMarkers(div, [], 1.2); return; }
          const spots = [[dx * DETAIL, dy * DETAIL]];
          const win = windowOf(div);
          if (paired() && (win || div.dataset.kind === "head")) {
            const mirror = win ? (MAP_W - 2 * win.left) / win.size - dx : 1 - dx;
            if (Math.abs(mirror - dx) > 1e-3) spots.push([mirror * DETAIL, dy * DETAIL]);
          }
          drawMarkers(div, spots, 1.2);
        }
      });
    }

    function svgPoint(svg, event) {
      const pt = svg.createSVGPoint();
      pt.x = event.clientX;
      pt.y = event.clientY;
      return pt.matrixTransform(svg.getScreenCTM().inverse());
    }

    function setMap(x, y) {
      if (paired() && x > 0.5) x = 1 - x; // a paired point stores its left-hand side
      inputs.mapX.value = fix(x);
      inputs.mapY.value = fix(y);
      // A close-up that zooms into the figure follows the same spot.
      const kind = inputs.detail ? inputs.detail.value : "";
      const win = figures.map(windowOf).find((w, i) => w && figures[i].dataset.kind === kind);
      if (win && inputs.detailX) {
        inputs.detailX.value = fix((parseFloat(inputs.mapX.value) * MAP_W - win.left) / win.size);
        inputs.detailY.value = fix((parseFloat(inputs.mapY.value) * MAP_H - win.top) / win.size);
      }
    }

    figures.forEach((div) => {
      const svg = div.querySelector("svg");
      if (!svg) return;
      svg.classList.add("is-placeable");
      svg.addEventListener("click", (event) => {
        const p = svgPoint(svg, event);
        if (div.dataset.frame === "map") {
          setMap(p.x / MAP_W, p.y / MAP_H);
        } else {
          const win = windowOf(div);
          if (win) {
            setMap((p.x / DETAIL * win.size + win.left) / MAP_W, (p.y / DETAIL * win.size + win.top) / MAP_H);
          } else {
            let dx = p.x / DETAIL;
            if (paired() && div.dataset.kind === "head" && dx > 0.5) dx = 1 - dx;
            inputs.detailX.value = fix(dx);
            inputs.detailY.value = fix(p.y / DETAIL);
          }
        }
        [inputs.mapX, inputs.detailX].forEach((i) => i && i.dispatchEvent(new Event("change", { bubbles: true })));
        show();
      });
    });

    ["view", "paired", "detail", "mapX", "mapY", "detailX", "detailY"].forEach((key) => {
      const input = inputs[key];
      if (!input) return;
      input.addEventListener("input", show);
      input.addEventListener("change", () => {
        // A new close-up that zooms into the figure starts at the figure's spot.
        if (key === "detail" && inputs.detailX && inputs.detailX.value === "") {
          const win = figures.map(windowOf).find((w, i) => w && figures[i].dataset.kind === input.value);
          if (win && inputs.mapX.value) setMap(num(inputs.mapX), num(inputs.mapY));
        }
        show();
      });
    });
    show();
  }

  // --- Putting steps in order -----------------------------------------------------
  function setUpOrdering(group) {
    const rowSelector = group.querySelector("table") ? "tbody > tr.form-row" : ".inline-related";
    const rows = () => Array.from(group.querySelectorAll(rowSelector))
      .filter((row) => !row.id.endsWith("-empty") && row.querySelector("input[name$='-position']"));
    const container = () => (rows()[0] || {}).parentNode;
    const isFilled = (row) => row.classList.contains("has_original") ||
      row.querySelector("input[name$='-position']").value !== "";
    const name = (group.querySelector("h2") || {}).textContent || "step";

    function renumber(focusRow, focusDir) {
      let n = 0;
      rows().forEach((row) => {
        const position = row.querySelector("input[name$='-position']");
        if (isFilled(row)) { n += 1; position.value = String(n); }
      });
      label();
      if (focusRow) {
        const again = focusRow.querySelector(`[data-move='${focusDir}']`);
        if (again && !again.disabled) again.focus();
        else (focusRow.querySelector("[data-move]") || focusRow).focus();
      }
      const status = group.querySelector(".order-status");
      if (status && focusRow) {
        status.textContent = "Moved to position " + focusRow.querySelector("input[name$='-position']").value + ".";
      }
    }

    function label() {
      const list = rows();
      list.forEach((row, i) => {
        const up = row.querySelector("[data-move='up']");
        const down = row.querySelector("[data-move='down']");
        if (!up) return;
        up.disabled = i === 0;
        down.disabled = i === list.length - 1;
        up.setAttribute("aria-label", `Move ${name.trim().toLowerCase()} ${i + 1} up`);
        down.setAttribute("aria-label", `Move ${name.trim().toLowerCase()} ${i + 1} down`);
      });
    }

    let dragged = null;
    rows().forEach((row) => {
      const tools = document.createElement("span");
      tools.className = "order-tools";
      tools.innerHTML =
        '<span class="drag-handle" aria-hidden="true" title="Drag to reorder">⠿</span>' +
        '<button type="button" class="button order-button" data-move="up">↑</button>' +
        '<button type="button" class="button order-button" data-move="down">↓</button>';
      const position = row.querySelector("input[name$='-position']");
      position.parentNode.insertBefore(tools, position.nextSibling);
      row.draggable = true;
      row.classList.add("is-orderable");
      row.addEventListener("dragstart", (e) => {
        if (e.target.closest("input, textarea, select")) { e.preventDefault(); return; }
        dragged = row;
        row.classList.add("is-dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", row.id);
      });
      row.addEventListener("dragend", () => { row.classList.remove("is-dragging"); dragged = null; });
      row.addEventListener("dragover", (e) => { if (dragged && dragged !== row) e.preventDefault(); });
      row.addEventListener("drop", (e) => {
        e.preventDefault();
        if (!dragged || dragged === row) return;
        const box = row.getBoundingClientRect();
        const after = e.clientY > box.top + box.height / 2;
        row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
        renumber(null);
      });
      tools.addEventListener("click", (e) => {
        const button = e.target.closest("[data-move]");
        if (!button) return;
        const list = rows();
        const i = list.indexOf(row);
        const dir = button.dataset.move;
        const other = list[dir === "up" ? i - 1 : i + 1];
        if (!other) return;
        container().insertBefore(row, dir === "up" ? other : other.nextSibling);
        renumber(row, dir);
      });
    });
    const status = document.createElement("p");
    status.className = "order-status visually-hidden";
    status.setAttribute("role", "status");
    group.appendChild(status);
    label();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".point-placer").forEach(setUpPlacer);
    ["locating_steps-group", "technique_steps-group", "cautions-group"].forEach((id) => {
      const group = document.getElementById(id);
      if (group) setUpOrdering(group);
    });
  });
})();
