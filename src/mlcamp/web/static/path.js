// mlcamp: pan and zoom of the path graph by its viewBox (buttons, mouse wheel, drag, pinch),
// keeping a focused topic in view, and highlighting a topic's prerequisite arrows.
// Without this script the graph is shown at its natural size in a scrolling box.
"use strict";

(function pathGraph() {
  const MIN_SCALE = 0.12;   // screen pixels per graph unit, zoomed out
  const MAX_SCALE = 3;      // and zoomed in
  const START_SCALE = 0.9;  // readable text on the first view
  const STEP = 1.3;         // one press of a zoom button

  document.addEventListener("DOMContentLoaded", () => {
    const viewport = document.getElementById("graph-viewport");
    const svg = document.getElementById("path-graph");
    const controls = document.getElementById("graph-controls");
    if (!viewport || !svg || !controls) return;

    const full = { w: Number(svg.dataset.width), h: Number(svg.dataset.height) };
    let view = { x: 0, y: 0, w: full.w, h: full.h };

    viewport.classList.add("is-interactive");
    controls.hidden = false;
    svg.removeAttribute("width");
    svg.removeAttribute("height");

    /** As tall as the whole graph at the starting zoom, but at most 70% of the window. */
    function fitHeight() {
      svg.style.height = `${Math.round(Math.min(window.innerHeight * 0.7, full.h * START_SCALE))}px`;
    }
    fitHeight();

    const box = () => svg.getBoundingClientRect();
    const scale = () => box().width / view.w;

    function apply() {
      svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
    }

    /** Keep part of the graph on screen whatever the pan. */
    function clamp() {
      const marginX = view.w * 0.5;
      const marginY = view.h * 0.5;
      view.x = Math.min(Math.max(view.x, -marginX), full.w - view.w + marginX);
      view.y = Math.min(Math.max(view.y, -marginY), full.h - view.h + marginY);
    }

    /** Show the graph at `pixelsPerUnit`, with graph point (gx, gy) under screen point (sx, sy). */
    function zoomTo(pixelsPerUnit, gx, gy, sx, sy) {
      const rect = box();
      const s = Math.min(Math.max(pixelsPerUnit, MIN_SCALE), MAX_SCALE);
      view.w = rect.width / s;
      view.h = rect.height / s;
      view.x = gx - sx / s;
      view.y = gy - sy / s;
      clamp();
      apply();
    }

    function zoomAtCentre(factor) {
      const rect = box();
      const s = scale();
      zoomTo(s * factor, view.x + rect.width / 2 / s, view.y + rect.height / 2 / s,
        rect.width / 2, rect.height / 2);
    }

    /** The first view: the left end of the path, as tall as fits but with readable text. */
    function reset() {
      const rect = box();
      zoomTo(Math.min(START_SCALE, Math.max(0.5, rect.height / full.h)), 0, 0, 0, 0);
    }

    function showAll() {
      const rect = box();
      const s = Math.min(rect.width / full.w, rect.height / full.h);
      zoomTo(s, full.w / 2, full.h / 2, rect.width / 2, rect.height / 2);
    }

    controls.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-zoom]");
      if (!button) return;
      const action = button.dataset.zoom;
      if (action === "in") zoomAtCentre(STEP);
      else if (action === "out") zoomAtCentre(1 / STEP);
      else if (action === "all") showAll();
      else reset();
    });

    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const rect = box();
      const s = scale();
      const sx = event.clientX - rect.left;
      const sy = event.clientY - rect.top;
      const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? rect.height : 1;
      const factor = Math.exp(-event.deltaY * unit * 0.0015);
      zoomTo(s * factor, view.x + sx / s, view.y + sy / s, sx, sy);
    }, { passive: false });

    // Drag to pan (one pointer), pinch to zoom (two). A drag does not follow the link under it.
    const pointers = new Map();
    let drag = null;
    let pinch = null;
    let suppressClick = false;

    svg.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      suppressClick = false;  // a drag that ended outside the graph fires no click to swallow
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pointers.size === 1) {
        drag = { x: event.clientX, y: event.clientY, view: { ...view }, moved: false };
      } else if (pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        const rect = box();
        const s = scale();
        const mx = (a.x + b.x) / 2 - rect.left;
        const my = (a.y + b.y) / 2 - rect.top;
        pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1, scale: s,
          gx: view.x + mx / s, gy: view.y + my / s };
        drag = null;
      }
    });

    svg.addEventListener("pointermove", (event) => {
      if (!pointers.has(event.pointerId)) return;
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pinch && pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        const rect = box();
        const distance = Math.hypot(a.x - b.x, a.y - b.y) || 1;
        zoomTo(pinch.scale * distance / pinch.distance, pinch.gx, pinch.gy,
          (a.x + b.x) / 2 - rect.left, (a.y + b.y) / 2 - rect.top);
        suppressClick = true;
        return;
      }
      if (!drag) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 5) return;
      if (!drag.moved) {
        drag.moved = true;
        svg.setPointerCapture(event.pointerId);
        viewport.classList.add("is-dragging");
      }
      const s = box().width / drag.view.w;
      view.x = drag.view.x - dx / s;
      view.y = drag.view.y - dy / s;
      clamp();
      apply();
    });

    function release(event) {
      pointers.delete(event.pointerId);
      if (drag && drag.moved) suppressClick = true;
      if (pointers.size < 2) pinch = null;
      if (pointers.size === 0) drag = null;
      viewport.classList.remove("is-dragging");
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);

    svg.addEventListener("click", (event) => {
      if (suppressClick) {
        event.preventDefault();
        event.stopPropagation();
        suppressClick = false;
      }
    }, true);

    // Keyboard: a topic reached with Tab comes into view; + and - zoom, 0 resets.
    const nodes = [...svg.querySelectorAll("a.node")];
    const edges = [...svg.querySelectorAll(".edge")];

    function bringIntoView(node) {
      const x = Number(node.dataset.x);
      const y = Number(node.dataset.y);
      const w = Number(node.dataset.w);
      const h = Number(node.dataset.h);
      const pad = 24;
      const before = `${view.x} ${view.y}`;
      // Move just enough to show the box (centre it when the view is smaller than the box).
      if (x - pad < view.x || w + 2 * pad > view.w) view.x = x - pad;
      else if (x + w + pad > view.x + view.w) view.x = x + w + pad - view.w;
      if (y - pad < view.y || h + 2 * pad > view.h) view.y = y - pad;
      else if (y + h + pad > view.y + view.h) view.y = y + h + pad - view.h;
      if (`${view.x} ${view.y}` === before) return;
      clamp();
      apply();
    }

    function highlight(node) {
      const id = node ? node.dataset.id : null;
      const related = new Set();
      for (const edge of edges) {
        const on = id !== null && (edge.dataset.from === id || edge.dataset.to === id);
        edge.classList.toggle("is-related", on);
        if (on) {
          related.add(edge.dataset.from);
          related.add(edge.dataset.to);
          // Drawn last, so the highlighted arrows are not hidden under the others.
          edge.parentNode.appendChild(edge);
        }
      }
      for (const other of nodes) {
        other.classList.toggle("is-related", related.has(other.dataset.id));
        other.classList.toggle("is-current", other === node);
      }
      svg.classList.toggle("has-focus", id !== null);
    }

    svg.addEventListener("focusin", (event) => {
      const node = event.target.closest("a.node");
      if (!node) return;
      bringIntoView(node);
      highlight(node);
    });
    svg.addEventListener("focusout", () => highlight(null));
    svg.addEventListener("mouseover", (event) => {
      if (drag && drag.moved) return;
      const node = event.target.closest("a.node");
      if (node) highlight(node);
    });
    svg.addEventListener("mouseleave", () => {
      const focused = document.activeElement && document.activeElement.closest &&
        document.activeElement.closest("a.node");
      highlight(focused || null);
    });
    svg.addEventListener("keydown", (event) => {
      if (event.key === "+" || event.key === "=") zoomAtCentre(STEP);
      else if (event.key === "-" || event.key === "_") zoomAtCentre(1 / STEP);
      else if (event.key === "0") reset();
      else return;
      event.preventDefault();
    });

    let lastWidth = box().width;
    window.addEventListener("resize", () => {
      fitHeight();
      const rect = box();
      if (!rect.width || !rect.height) return;
      const s = lastWidth / view.w;  // keep the zoom level the learner chose
      view.w = rect.width / s;
      view.h = rect.height / s;
      lastWidth = rect.width;
      clamp();
      apply();
    });

    reset();
  });
})();
