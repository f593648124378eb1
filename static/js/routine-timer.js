// Guided timer for a routine page. The page lists every step with its time and
// its picture and works without this script; the script adds the countdown,
// the current point's picture, progress bars, a soft tone and a buzz at each
// change (switch sides, next point), and keeps the screen awake while running.
(function () {
  "use strict";
  const panel = document.getElementById("routine-timer");
  const steps = Array.from(document.querySelectorAll(".routine-step"));
  if (!panel || steps.length === 0) return;

  const label = panel.querySelector(".timer-label");
  const stepText = panel.querySelector(".timer-step");
  const clock = panel.querySelector(".timer-clock");
  const figure = panel.querySelector(".timer-figure");
  const stepBar = panel.querySelector(".timer-progress-step");
  const routineBar = document.getElementById("timer-routine-progress");
  const cuesBox = document.getElementById("timer-cues");
  const buttons = {};
  panel.querySelectorAll("[data-timer]").forEach((b) => { buttons[b.dataset.timer] = b; });

  const total = parseInt(panel.dataset.total, 10) || 0;
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const seconds = (li) => parseInt(li.dataset.seconds, 10) || 60;
  const fmt = (s) => Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");

  let index = -1;        // current step
  let remaining = 0;     // seconds left on the current step
  let ticker = null;     // interval id while running
  let switched = false;  // paired point: already told to switch sides
  let message = "";

  // --- Cues: a soft tone (made here, nothing fetched) and a short buzz ---------
  let audio = null;
  function tone(twice) {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = audio || new Context();
    const start = audio.currentTime + 0.02;
    [0, twice ? 0.35 : null].forEach((offset) => {
      if (offset === null) return;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = twice ? 587.33 : 523.25; // D5 for "switch", C5 for "next"
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.12, start + offset + 0.05);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.6);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.65);
    });
  }
  function cue(kind) {
    // The last cue stays readable on the panel (and lets tests see it fired).
    panel.dataset.cue = kind;
    panel.dataset.cues = String((parseInt(panel.dataset.cues, 10) || 0) + 1);
    if (!cuesBox.checked) return;
    try { tone(kind === "switch"); } catch (e) { /* no sound is fine */ }
    if (navigator.vibrate) navigator.vibrate(kind === "switch" ? [120, 80, 120] : [250]);
  }

  // --- Keep the screen on while running, where the browser allows it ---------
  let wakeLock = null;
  async function keepAwake() {
    if (!("wakeLock" in navigator) || wakeLock) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => { wakeLock = null; });
    } catch (e) { wakeLock = null; }
  }
  function letSleep() {
    if (wakeLock) wakeLock.release();
    wakeLock = null;
  }
  document.addEventListener("visibilitychange", () => {
    // The browser drops the lock when the tab is hidden; take it again on return.
    if (document.visibilityState === "visible" && ticker) keepAwake();
  });

  // --- The panel ----------------------------------------------------------------
  function elapsedBefore(i) {
    return steps.slice(0, i).reduce((sum, li) => sum + seconds(li), 0);
  }

  function showProgress() {
    if (index < 0 || index >= steps.length) return;
    const length = seconds(steps[index]);
    stepBar.max = length;
    stepBar.value = length - remaining;
    routineBar.value = elapsedBefore(index) + length - remaining;
  }

  function showFigure() {
    figure.replaceChildren();
    if (index < 0 || index >= steps.length) return;
    const picture = steps[index].querySelector(".routine-step-figure svg");
    if (!picture) return;
    const copy = picture.cloneNode(true);
    // A decorative copy: the list keeps the labelled original and its ids.
    copy.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
    copy.removeAttribute("id");
    copy.removeAttribute("aria-labelledby");
    copy.removeAttribute("aria-describedby");
    copy.setAttribute("aria-hidden", "true");
    copy.setAttribute("focusable", "false");
    figure.appendChild(copy);
  }

  function highlight() {
    steps.forEach((li, i) => {
      li.classList.toggle("is-current", i === index);
      li.classList.toggle("is-done", i < index);
      if (i === index) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
  }

  function say(text) { message = text; label.textContent = text; }

  function begin(i, withCue) {
    index = i;
    switched = false;
    if (index >= steps.length) { finish(); return; }
    const li = steps[index];
    remaining = seconds(li);
    const paired = li.dataset.paired === "1";
    say("Point " + (index + 1) + " of " + steps.length + ": " + li.dataset.name +
        (paired ? ". Start on one side; you will be told when to switch." : "."));
    const note = li.querySelector(".step-note");
    stepText.textContent = note ? note.textContent : "";
    clock.textContent = fmt(remaining);
    highlight();
    showFigure();
    showProgress();
    if (withCue) cue("next");
    li.scrollIntoView({ block: "nearest", behavior: reduceMotion.matches ? "auto" : "smooth" });
  }

  function tick() {
    remaining -= 1;
    clock.textContent = fmt(Math.max(remaining, 0));
    const li = steps[index];
    const half = Math.floor(seconds(li) / 2);
    showProgress();
    if (li.dataset.paired === "1" && !switched && remaining === half) {
      switched = true;
      say("Switch to the other side: " + li.dataset.name + ".");
      cue("switch");
    }
    if (remaining <= 0) begin(index + 1, true);
  }

  function run() {
    if (ticker) return;
    ticker = window.setInterval(tick, 1000);
    keepAwake();
    panel.classList.add("is-running");
    buttons.start.disabled = true;
    buttons.pause.disabled = false;
    buttons.next.disabled = false;
    buttons.reset.disabled = false;
    buttons.pause.textContent = "Pause";
  }

  function stop() {
    window.clearInterval(ticker);
    ticker = null;
    panel.classList.remove("is-running");
    letSleep();
  }

  function finish() {
    stop();
    index = steps.length;
    highlight();
    showFigure();
    stepText.textContent = "";
    say("All done. Rest for a moment and breathe slowly before you get up.");
    cue("done");
    clock.textContent = "0:00";
    routineBar.value = total;
    stepBar.value = stepBar.max;
    buttons.start.disabled = false;
    buttons.start.textContent = "Start again";
    buttons.pause.disabled = true;
    buttons.next.disabled = true;
  }

  buttons.start.addEventListener("click", () => { begin(0, false); run(); });
  buttons.pause.addEventListener("click", () => {
    if (ticker) { stop(); buttons.pause.textContent = "Resume"; label.textContent = "Paused. " + message; }
    else { run(); label.textContent = message; }
  });
  buttons.next.addEventListener("click", () => { begin(index + 1, true); });
  buttons.reset.addEventListener("click", () => {
    stop();
    index = -1;
    highlight();
    showFigure();
    stepText.textContent = "";
    say("Press start when you are ready.");
    clock.textContent = fmt(total);
    routineBar.value = 0;
    stepBar.value = 0;
    buttons.start.disabled = false;
    buttons.start.textContent = "Start";
    buttons.pause.disabled = true;
    buttons.next.disabled = true;
    buttons.reset.disabled = true;
  });

  panel.hidden = false;
})();
