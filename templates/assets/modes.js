/* Reading modes for older and low-vision readers (适老化、无障碍; 国办公开办函〔2021〕28号,
   GB/T 37668): large text and high contrast, chosen with the header's 「大字」「高对比」
   buttons and kept across pages in localStorage.

   Loaded in <head> without defer, so the chosen modes are set as classes on <html>
   before the first paint (no flash of the other look), from a file rather than an
   inline script, so a strict Content-Security-Policy allows it. The buttons are in
   the page hidden and shown here: without JavaScript they would do nothing, so a
   reader without it never meets them. No framework, no other host. */
(function () {
  "use strict";

  var KEY = "xxgk-reading-modes";
  var MODES = ["large", "contrast"];
  var root = document.documentElement;

  /* The modes chosen, as {large: true, ...}; {} when storage is unavailable or holds nonsense. */
  function load() {
    try {
      var state = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return state && typeof state === "object" ? state : {};
    } catch (e) {
      return {};
    }
  }

  function save(state) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) {
      /* private browsing or storage turned off: the mode holds for this page only */
    }
  }

  function apply(state) {
    MODES.forEach(function (mode) {
      root.classList.toggle("mode-" + mode, state[mode] === true);
    });
    var buttons = document.querySelectorAll("[data-xxgk-modes] button[data-mode]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", state[button.getAttribute("data-mode")] === true ? "true" : "false");
    });
  }

  function wire() {
    var group = document.querySelector("[data-xxgk-modes]");
    if (!group) {
      return; /* a portal's own base.html without the buttons */
    }
    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-mode]");
      if (!button) {
        return;
      }
      var state = load();
      var mode = button.getAttribute("data-mode");
      state[mode] = state[mode] !== true;
      save(state);
      apply(state);
    });
    apply(load());
    group.hidden = false;
  }

  apply(load());
  /* Another tab changed the modes: follow it. */
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      apply(load());
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
