// After a failed submit, move focus to the error summary so it is read out at once.
(function () {
  "use strict";
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
