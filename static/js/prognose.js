// "Udfyld med prognosen": puts the profile prognosis into the forventet forbrug field. It only fills the field; the
// konsulent still decides and saves.
document.addEventListener("click", function (event) {
  var knap = event.target.closest("button[data-prognose-felt]");
  if (!knap) return;
  var felt = document.getElementById(knap.dataset.prognoseFelt);
  if (!felt) return;
  felt.value = knap.dataset.prognose;
  felt.focus();
  var status = document.getElementById(knap.dataset.prognoseFelt + "_udfyldt");
  if (status) status.textContent = "Feltet er udfyldt med prognosen " + knap.dataset.prognose + " kr. Husk at gemme.";
});
