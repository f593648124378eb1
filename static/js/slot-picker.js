// Slot picker: without JavaScript every day's times are listed; with it, a row
// of day buttons shows one day at a time, so a phone screen is not a long list.
(function () {
  "use strict";
  const picker = document.querySelector("[data-slot-picker]");
  if (!picker) return;
  const days = Array.from(picker.querySelectorAll("fieldset.slot-day"));
  if (days.length < 2) return;

  const bar = document.createElement("div");
  bar.className = "slot-day-bar";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Choose a day");
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");

  function show(index) {
    days.forEach((fs, i) => { fs.hidden = i !== index; });
    bar.querySelectorAll("button").forEach((b, i) => b.setAttribute("aria-pressed", String(i === index)));
    const count = days[index].querySelectorAll("input[type=radio]").length;
    status.textContent = days[index].querySelector("legend").textContent + ": " + count + " free times.";
  }

  days.forEach((fs, i) => {
    const legend = fs.querySelector("legend").textContent.trim();
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm";
    const parts = legend.split(" ");
    button.textContent = parts[0].slice(0, 3) + " " + parts.slice(1).join(" ");
    button.setAttribute("aria-label", legend);
    button.addEventListener("click", () => show(i));
    bar.appendChild(button);
  });

  picker.prepend(status);
  picker.prepend(bar);
  const checked = picker.querySelector("input[type=radio]:checked");
  const start = checked ? days.indexOf(checked.closest("fieldset.slot-day")) : 0;
  show(Math.max(start, 0));
})();
