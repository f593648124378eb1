// Django's two-box picker (filter_horizontal) names its search icon with aria-label
// on a plain span, which ARIA does not allow there; as an image it may carry a name.
// The picker is built on "load", so this runs just after it.
window.addEventListener("load", function () {
  "use strict";
  window.setTimeout(function () {
    document.querySelectorAll(".selector .search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  });
});
