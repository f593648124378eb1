// Slot picker: without JavaScript every listed day's times show, and the month
// view's days are links that reload the page from that day. With it, a row of
// day buttons shows one day at a time (a phone screen is not a long list), and a
// day in the month view that is already listed opens at once.
(function () {
  "use strict";
  const picker = document.querySelector("[data-slot-picker]");
  if (!picker) return;
  const days = Array.from(picker.querySelectorAll("fieldset.slot-day"));
  const month = document.querySelector("[data-month-view]");

  // The phone's bar says the time as soon as one is chosen.
  const when = document.querySelector("[data-bar-when]");
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!when || input.name !== "start" || !input.checked) return;
    const day = input.closest("fieldset.slot-day[data-day]");
    const label = input.parentElement.querySelector("span").textContent.trim();
    const dayName = day ? day.querySelector("legend").textContent.trim().split(" ") : [];
    when.textContent = day ? dayName[0].slice(0, 3) + " " + dayName.slice(1).join(" ") + ", " + label : label;
  });
  if (days.length < 2) return;

  const bar = document.createElement("div");
  bar.className = "slot-day-bar";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Choose a day");
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");

  function show(index, announce) {
    days.forEach((fs, i) => { fs.hidden = i !== index; });
    bar.querySelectorAll("button").forEach((b, i) => b.setAttribute("aria-pressed", String(i === index)));
    if (month) {
      month.querySelectorAll("a[data-day]").forEach((a) => {
        const open = a.dataset.day === days[index].dataset.day;
        a.classList.toggle("is-open", open);
        if (open) a.setAttribute("aria-current", "date"); else a.removeAttribute("aria-current");
      });
    }
    if (announce) {
      const count = days[index].querySelectorAll("input[type=radio]").length;
      status.textContent = days[index].querySelector("legend").textContent + ": " + count + " free times.";
    }
  }

  days.forEach((fs, i) => {
    const legend = fs.querySelector("legend").textContent.trim();
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm day-button";
    const parts = legend.split(" ");
    button.textContent = parts[0].slice(0, 3) + " " + parts.slice(1).join(" ");
    button.setAttribute("aria-label", legend);
    button.addEventListener("click", () => show(i, true));
    bar.appendChild(button);
  });

  if (month) {
    month.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-day]");
      if (!link) return;
      const index = days.findIndex((fs) => fs.dataset.day === link.dataset.day);
      if (index < 0) return; // not listed here: the link loads the page from that day
      event.preventDefault();
      show(index, true);
      const first = days[index].querySelector("input[type=radio]");
      if (first) first.focus();
    });
  }

  picker.prepend(status);
  picker.prepend(bar);
  const checked = picker.querySelector("input[type=radio]:checked");
  let start = checked ? days.indexOf(checked.closest("fieldset.slot-day")) : -1;
  if (start < 0) start = days.findIndex((fs) => fs.dataset.day === picker.dataset.openDay);
  show(Math.max(start, 0), false);
})();
