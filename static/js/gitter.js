// Live figures while typing, on the round's grid and a ramme's edit form. The page works without this: the server
// parses, checks and computes everything again on save. Amounts are whole øre in BigInt, so nothing is rounded
// until it is shown, as on the server (half away from zero, 1.000 kr.).
(function () {
  "use strict";
  var TKR = /\s*(?:t\.\s?kr\.?|tkr\.?)\s*$/i;
  var DANSK = /^([+-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;

  // Typed text → øre (BigInt), or null when it is not an amount the server would accept.
  function oere(tekst) {
    var t = (tekst || "").replace(/\u2212/g, "-");
    var tusinder = TKR.test(t);
    if (tusinder) { t = t.replace(TKR, ""); }
    t = t.replace(/[\s\u00a0]/g, "");
    var m = DANSK.exec(t);
    var decimaler = tusinder ? 5 : 2;
    if (!m || (m[3] || "").length > decimaler) { return null; }
    var dec = (m[3] || "") + "00000".slice(0, decimaler - (m[3] || "").length);
    var v = BigInt(m[2].replace(/\./g, "") + dec);
    return m[1] === "-" ? -v : v;
  }

  // Øre shown in 1.000 kr., rounded half away from zero, with Danish thousands dots.
  function tusind(v) {
    var neg = v < 0n;
    var a = neg ? -v : v;
    var q = (a + 50000n) / 100000n;
    var s = q.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (neg && q !== 0n ? "\u2212" : "") + s;
  }

  function visTkr(input) {
    var out = input.parentNode.querySelector("output.tkr");
    if (!out) {
      out = document.createElement("output");
      out.className = "tkr";
      out.htmlFor = input.id;
      input.insertAdjacentElement("afterend", out);
    }
    if (input.value.trim() === "") { out.textContent = ""; return; }
    var v = oere(input.value);
    out.textContent = v === null ? "ikke et gyldigt beløb" : "= " + tusind(v) + " t.kr.";
  }

  function opdaterRaekke(tr) {
    var felter = tr.querySelectorAll("input.beloeb");
    if (felter.length !== 2 || !tr.dataset.korrigeretOere) { return; }
    var korr = oere(felter[0].value);
    var forv = oere(felter[1].value);
    var afv = tr.querySelector(".afvigelse");
    var udv = tr.querySelector(".udvikling");
    if (korr === null || forv === null) { return; }
    if (afv) { afv.textContent = tusind(forv - (BigInt(tr.dataset.korrigeretOere) + korr)); }
    if (udv && tr.dataset.forrigeOere) { udv.textContent = tusind(forv - BigInt(tr.dataset.forrigeOere)); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("form.gitter input.beloeb, form.rammeform input.beloeb");
    inputs.forEach(function (input) {
      visTkr(input);
      input.addEventListener("input", function () {
        visTkr(input);
        var tr = input.closest("tr");
        if (tr) { opdaterRaekke(tr); }
      });
    });
  });
})();
