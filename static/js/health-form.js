// Health questions: a follow-up ("How many weeks?", or a follow-up question such
// as "If you are pregnant, which fits best?") is shown only after a "yes".
// Without JavaScript every follow-up stays visible, marked "only if yes", and
// the form's own rules refuse answers that contradict each other.
(function () {
  "use strict";
  function saysYes(fieldset) {
    return Array.from(fieldset.querySelectorAll("input[type=radio]")).some(
      (r) => r.checked && r.value === "yes"
    );
  }

  document.querySelectorAll("[data-question]").forEach((fieldset) => {
    const followUp = fieldset.querySelector("[data-follow-up]");
    if (!followUp) return;
    const radios = fieldset.querySelectorAll("input[type=radio]");
    function update() {
      followUp.hidden = !saysYes(fieldset);
    }
    radios.forEach((r) => r.addEventListener("change", update));
    update();
  });

  document.querySelectorAll("[data-parent]").forEach((child) => {
    const parent = document.querySelector(
      '[data-question="' + child.dataset.parent + '"]'
    );
    if (!parent) return;
    function update() {
      const show = saysYes(parent) || child.classList.contains("has-error");
      const neutral = child.querySelector('input[type=radio][value=""]');
      if (show && child.hidden && neutral && neutral.checked) {
        neutral.checked = false; // shown after a "yes": the client chooses
      }
      child.hidden = !show;
      if (!show) {
        // A hidden follow-up must not carry an answer: back to "doesn't apply".
        const reset = child.querySelector(
          'input[type=radio][value=""], input[type=radio][value="no"]'
        );
        if (reset) reset.checked = true;
      }
    }
    parent
      .querySelectorAll("input[type=radio]")
      .forEach((r) => r.addEventListener("change", update));
    update();
  });

  // With the script, a follow-up shows only after a "yes": no need to say so.
  document.querySelectorAll("[data-no-script-only]").forEach((el) => { el.hidden = true; });

  // An answered question stops being an error at once: its message goes, and the
  // summary at the top counts down what is left.
  const summary = document.querySelector("[data-error-summary]");
  function answered(fieldset) {
    fieldset.classList.remove("has-error");
    fieldset.querySelectorAll("[data-error]").forEach((p) => p.remove());
    if (!summary) return;
    fieldset.querySelectorAll("input, textarea").forEach((input) => {
      const item = summary.querySelector('[data-error-for="' + input.name + '"]');
      if (!item) return;
      const line = item.closest("li");
      item.remove();
      if (line && !line.querySelector("[data-error-for]")) line.remove();
    });
    const left = summary.querySelectorAll("[data-error-for]").length;
    const count = summary.querySelector("[data-error-count]");
    if (count) count.textContent = String(left);
    if (!left) {
      summary.classList.replace("alert-danger", "alert-success");
      summary.querySelector("h2").textContent = "Thank you: every question is answered.";
    }
  }
  document.querySelectorAll("fieldset.question.has-error").forEach((fieldset) => {
    fieldset.addEventListener("change", () => answered(fieldset));
  });
  const consent = document.querySelector(".consent.has-error");
  if (consent) {
    consent.addEventListener("change", (event) => {
      if (event.target.checked) answered(consent);
    });
  }
})();
