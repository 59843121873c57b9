// Upload with progress: sends the form in the background and shows how much of the file has been sent, then that
// the server is checking it. Without JavaScript the form posts as usual.
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-upload]");
  if (!form || !window.FormData) return;
  event.preventDefault();
  var fremdrift = form.querySelector("[data-upload-fremdrift]");
  var status = form.querySelector("[data-upload-status]");
  var knap = form.querySelector("button[type=submit]");
  var xhr = new XMLHttpRequest();
  xhr.open("POST", form.action || window.location.href);
  xhr.upload.addEventListener("progress", function (e) {
    if (!e.lengthComputable) return;
    var procent = Math.round((e.loaded / e.total) * 100);
    fremdrift.hidden = false;
    fremdrift.value = procent;
    status.textContent = procent < 100 ? "Sender filen: " + procent + " %" : "Filen er sendt. Den kontrolleres og indlæses …";
  });
  xhr.addEventListener("load", function () {
    var side = new DOMParser().parseFromString(xhr.responseText, "text/html");
    document.title = side.title;
    document.body.replaceWith(side.body);
    if (xhr.responseURL) window.history.replaceState(null, "", xhr.responseURL);
  });
  xhr.addEventListener("error", function () {
    knap.disabled = false;
    status.textContent = "Filen kunne ikke sendes. Prøv igen.";
  });
  knap.disabled = true;
  status.textContent = "Sender filen …";
  xhr.send(new FormData(form));
});
