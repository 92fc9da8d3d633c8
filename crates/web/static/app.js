// Search-as-you-type for the device boxes, and automatic update when a setting changes.
// The form works without this script: it is a plain GET form whose URL is the state.
(function () {
  "use strict";
  const timers = new WeakMap();
  function suggest(input) {
    const q = input.value.trim();
    const list = document.getElementById(input.getAttribute("list"));
    if (!list || q.length < 2 || q === "custom") return;
    fetch("/api/v1/devices?limit=12&kind=" + encodeURIComponent(input.dataset.kind) + "&q=" + encodeURIComponent(q))
      .then((r) => (r.ok ? r.json() : []))
      .then((rows) => {
        list.replaceChildren(...rows.map((row) => {
          const o = document.createElement("option");
          o.value = row.name;
          o.label = row.id;
          return o;
        }));
      })
      .catch(() => {});
  }
  document.querySelectorAll("input.device").forEach((input) => {
    input.addEventListener("input", () => {
      clearTimeout(timers.get(input));
      timers.set(input, setTimeout(() => suggest(input), 120));
    });
  });
  const form = document.getElementById("check");
  document.querySelectorAll(".auto").forEach((el) => {
    // A select changed from the keyboard (arrow keys fire "change" in some browsers)
    // waits for Enter or for focus to leave, instead of reloading on every step.
    let keyed = false;
    let pending = false;
    el.addEventListener("keydown", (e) => {
      keyed = true;
      if (e.key === "Enter" && pending) {
        pending = false;
        form.requestSubmit();
      }
    });
    el.addEventListener("change", () => {
      if (el.tagName === "SELECT" && keyed) {
        pending = true;
        return;
      }
      form.requestSubmit();
    });
    el.addEventListener("blur", () => {
      keyed = false;
      if (pending) {
        pending = false;
        form.requestSubmit();
      }
    });
  });
  // Empty fields are left out of the URL, so shared links stay short (the check form and
  // the inline entry of a missing figure alike).
  document.querySelectorAll("form[method=get]").forEach((f) => {
    f.addEventListener("formdata", (e) => {
      // FormData.delete drops every entry of a name, so rebuild from the non-empty ones.
      const kept = [...e.formData.entries()].filter(([, v]) => v !== "");
      for (const k of new Set([...e.formData.keys()])) e.formData.delete(k);
      for (const [k, v] of kept) e.formData.append(k, v);
    });
  });
})();

// An EQ preset picked as a file goes into the text box, so the form (and the shared link)
// carries it like any other field.
(function () {
  var file = document.getElementById("eq-file");
  var box = document.getElementById("eq");
  if (!file || !box) return;
  file.addEventListener("change", function () {
    var f = file.files && file.files[0];
    if (!f) return;
    f.text().then(function (text) {
      box.value = text.slice(0, 3000);
      if (box.form) box.form.requestSubmit ? box.form.requestSubmit() : box.form.submit();
    });
  });
})();

// After a check, bring the answer (or the error) into view and give it focus, so a phone
// user sees what tapping Check did and a screen reader reads it.
(function () {
  var target = document.getElementById("error") || document.getElementById("result");
  if (!target || !location.search) return;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "start" });
})();
