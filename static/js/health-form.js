// Health questions: a follow-up ("How many weeks?") is shown only after a "yes".
// Without JavaScript every follow-up stays visible, marked "only if yes".
(function () {
  "use strict";
  document.querySelectorAll("[data-question]").forEach((fieldset) => {
    const followUp = fieldset.querySelector("[data-follow-up]");
    if (!followUp) return;
    const radios = fieldset.querySelectorAll("input[type=radio]");
    function update() {
      const yes = Array.from(radios).some((r) => r.checked && r.value === "yes");
      followUp.hidden = !yes;
    }
    radios.forEach((r) => r.addEventListener("change", update));
    update();
  });
})();
