// An import job's page while the job runs: fetches the page again every other second and swaps in its status,
// which sits in a live region, so a screen reader hears the progress. Without JavaScript the page reloads itself.
(function () {
  function opdater() {
    var boks = document.querySelector("[data-jobstatus]");
    if (!boks || boks.getAttribute("data-aktiv") !== "1") return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (svar) { return svar.text(); })
      .then(function (html) {
        var ny = new DOMParser().parseFromString(html, "text/html");
        var nyBoks = ny.querySelector("[data-jobstatus]");
        if (!nyBoks) return;
        var status = boks.querySelector("[role=status]");
        var nyStatus = nyBoks.querySelector("[role=status]");
        if (status && nyStatus && status.innerHTML !== nyStatus.innerHTML) status.innerHTML = nyStatus.innerHTML;
        if (nyBoks.getAttribute("data-aktiv") !== "1") {
          document.title = ny.title;
          boks.replaceWith(nyBoks);
        } else {
          window.setTimeout(opdater, 2000);
        }
      })
      .catch(function () { window.setTimeout(opdater, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(opdater, 2000); });
})();
