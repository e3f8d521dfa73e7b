// Progressive enhancement for file uploads: shows how much of a large file has been sent, then
// the server's answer. Without JavaScript the form posts normally.
document.querySelectorAll("form[data-progress]").forEach(function (form) {
  var bar = document.getElementById(form.dataset.progress);
  var label = document.getElementById(form.dataset.progress + "-label");
  form.addEventListener("submit", function (event) {
    if (!window.XMLHttpRequest || !window.FormData) return;
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    if (label) label.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.upload.addEventListener("load", function () { bar.removeAttribute("value"); });
    xhr.addEventListener("load", function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.send(new FormData(form));
  });
});
