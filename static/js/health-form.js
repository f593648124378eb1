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
})();
