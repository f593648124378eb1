// Guided timer for a routine page. The page lists every step with its time
// and works without this script; the script only adds the countdown.
(function () {
  "use strict";
  const panel = document.getElementById("routine-timer");
  const steps = Array.from(document.querySelectorAll(".routine-step"));
  if (!panel || steps.length === 0) return;

  const label = panel.querySelector(".timer-label");
  const clock = panel.querySelector(".timer-clock");
  const buttons = {};
  panel.querySelectorAll("[data-timer]").forEach((b) => { buttons[b.dataset.timer] = b; });

  let index = -1;        // current step
  let remaining = 0;     // seconds left on the current step
  let ticker = null;     // interval id while running
  let switched = false;  // paired point: already told to switch sides

  const fmt = (s) => Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");

  function highlight() {
    steps.forEach((li, i) => {
      li.classList.toggle("is-current", i === index);
      li.classList.toggle("is-done", i < index);
      if (i === index) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
  }

  let message = "";
  function say(text) { message = text; label.textContent = text; }

  function begin(i) {
    index = i;
    switched = false;
    if (index >= steps.length) { finish(); return; }
    const li = steps[index];
    remaining = parseInt(li.dataset.seconds, 10) || 60;
    const paired = li.dataset.paired === "1";
    say("Point " + (index + 1) + " of " + steps.length + ": " + li.dataset.name +
        (paired ? ". Start on one side; you will be told when to switch." : "."));
    clock.textContent = fmt(remaining);
    highlight();
    li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function tick() {
    remaining -= 1;
    clock.textContent = fmt(Math.max(remaining, 0));
    const li = steps[index];
    const half = Math.floor((parseInt(li.dataset.seconds, 10) || 60) / 2);
    if (li.dataset.paired === "1" && !switched && remaining === half) {
      switched = true;
      say("Switch to the other side: " + li.dataset.name + ".");
    }
    if (remaining <= 0) begin(index + 1);
  }

  function run() {
    if (ticker) return;
    ticker = window.setInterval(tick, 1000);
    buttons.start.disabled = true;
    buttons.pause.disabled = false;
    buttons.next.disabled = false;
    buttons.reset.disabled = false;
    buttons.pause.textContent = "Pause";
  }

  function stop() {
    window.clearInterval(ticker);
    ticker = null;
  }

  function finish() {
    stop();
    index = steps.length;
    highlight();
    say("All done. Rest for a moment and breathe slowly before you get up.");
    clock.textContent = "0:00";
    buttons.start.disabled = false;
    buttons.start.textContent = "Start again";
    buttons.pause.disabled = true;
    buttons.next.disabled = true;
  }

  buttons.start.addEventListener("click", () => { begin(0); run(); });
  buttons.pause.addEventListener("click", () => {
    if (ticker) { stop(); buttons.pause.textContent = "Resume"; label.textContent = "Paused. " + message; }
    else { run(); label.textContent = message; }
  });
  buttons.next.addEventListener("click", () => { begin(index + 1); });
  buttons.reset.addEventListener("click", () => {
    stop();
    index = -1;
    highlight();
    say("Press start when you are ready.");
    clock.textContent = "0:00";
    buttons.start.disabled = false;
    buttons.start.textContent = "Start";
    buttons.pause.disabled = true;
    buttons.next.disabled = true;
    buttons.reset.disabled = true;
  });

  panel.hidden = false;
})();
