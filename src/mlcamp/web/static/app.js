// mlcamp's own small script: theme switch, CSRF header for fetch, and helpers the pages use.
"use strict";

(function theme() {
  const root = document.documentElement;
  const saved = localStorage.getItem("mlcamp-theme");
  if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("theme-toggle");
    if (!button) return;
    const label = () => {
      const dark = root.dataset.theme === "dark" ||
        (root.dataset.theme === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
      button.textContent = dark ? "Light theme" : "Dark theme";
      button.setAttribute("aria-pressed", String(dark));
      return dark;
    };
    label();
    button.addEventListener("click", () => {
      const dark = label();
      root.dataset.theme = dark ? "light" : "dark";
      localStorage.setItem("mlcamp-theme", root.dataset.theme);
      label();
    });
  });
})();

/** POST to the app from a page: same-origin, with the page's CSRF token. */
window.mlcampPost = function mlcampPost(url, body, accept) {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const headers = { "X-CSRF-Token": token, "Accept": accept || "application/json" };
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && typeof body !== "string") {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  return fetch(url, { method: "POST", headers, body: payload, credentials: "same-origin" });
};
