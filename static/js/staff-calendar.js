// Drag a booking onto a free time to move it: the move page opens with that
// therapist, day and time chosen, and staff confirm there (the client is then
// emailed). Without JavaScript the "Move or reassign" page does the same.
(function () {
  "use strict";
  var grid = document.querySelector(".cal-grid");
  if (!grid) return;
  var dragged = null;
  grid.querySelectorAll(".cal-block[data-move-url]").forEach(function (block) {
    block.setAttribute("draggable", "true");
    block.addEventListener("dragstart", function (event) {
      dragged = block;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", block.dataset.moveUrl);
      block.classList.add("cal-dragging");
    });
    block.addEventListener("dragend", function () {
      block.classList.remove("cal-dragging");
      dragged = null;
    });
  });
  grid.querySelectorAll("a.cal-free[data-therapist]").forEach(function (cell) {
    cell.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      cell.classList.add("cal-drop");
    });
    cell.addEventListener("dragleave", function () {
      cell.classList.remove("cal-drop");
    });
    cell.addEventListener("drop", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var query = new URLSearchParams({
        service: dragged.dataset.service,
        therapist: cell.dataset.therapist,
        day: cell.dataset.day,
        start: cell.dataset.start
      });
      window.location.assign(dragged.dataset.moveUrl + "?" + query.toString());
    });
  });
})();
