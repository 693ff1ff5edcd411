// Invoice upload (screens 04-06): several files go one request each, so a network
// failure affects only that file; progress and each file's verdict are shown as they come.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = document.getElementById("id_files");
  var box = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  var bar = document.getElementById("progress-bar");
  var list = document.getElementById("progress-list");

  document.querySelectorAll(".inv-use").forEach(function (b) {
    b.addEventListener("click", function () {
      var aut = document.getElementById("id_authorization");
      aut.value = b.dataset.aut;
      document.getElementById("id_ticket").value = b.dataset.ticket;
      aut.dispatchEvent(new Event("change", { bubbles: true }));
      aut.focus();
    });
  });

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  function stem(name) { return name.toLowerCase().replace(/\.[^.]*$/, ""); }
  function ext(name) { var m = /\.([^.]*)$/.exec(name.toLowerCase()); return m ? m[1] : ""; }

  function groups(files) {
    var pdfs = {}, out = [];
    files.forEach(function (f) { if (ext(f.name) === "pdf") pdfs[stem(f.name)] = f; });
    files.forEach(function (f) {
      if (ext(f.name) === "pdf") return;
      var g = [f];
      if (ext(f.name) === "xml" && pdfs[stem(f.name)]) { g.push(pdfs[stem(f.name)]); delete pdfs[stem(f.name)]; }
      out.push(g);
    });
    Object.keys(pdfs).forEach(function (k) { out.push([pdfs[k]]); });
    return out;
  }

  function sendOne(group, batch) {
    var fd = new FormData();
    form.querySelectorAll("input[name], select[name]").forEach(function (el) {
      if (el.type === "file" || el.name === "authorization" || el.name === "ticket") return;
      fd.append(el.name, el.value);
    });
    fd.append("batch", batch);
    group.forEach(function (f) { fd.append("files", f, f.name); });
    return fetch(form.action || window.location.href, {
      method: "POST", body: fd, credentials: "same-origin",
      headers: { "X-Mantto-Fragment": "1" }
    }).then(function (r) {
      if (!r.ok && r.status !== 400) throw new Error("HTTP " + r.status);
      return r.text();
    });
  }

  function failed(group, batch, li) {
    li.className = "inv-verdict err";
    li.textContent = group[0].name + ": no se pudo enviar por un problema de conexión (MANTTO-RED). ";
    var retry = document.createElement("button");
    retry.type = "button"; retry.className = "link"; retry.textContent = "Reintentar";
    retry.addEventListener("click", function () { run(group, batch, li); });
    li.appendChild(retry);
  }

  function run(group, batch, li) {
    li.className = "inv-verdict"; li.textContent = group[0].name + ": revisando…";
    return sendOne(group, batch).then(function (html) {
      var tmp = document.createElement("ul"); tmp.innerHTML = html;
      var items = Array.prototype.slice.call(tmp.children);
      if (!items.length) throw new Error("vacío");
      li.replaceWith.apply(li, items);
    }).catch(function () { failed(group, batch, li); });
  }

  form.addEventListener("submit", function (ev) {
    var files = Array.prototype.slice.call(input.files || []);
    var xmls = files.filter(function (f) { return ext(f.name) === "xml"; }).length;
    var zips = files.filter(function (f) { return ext(f.name) === "zip"; }).length;
    if (xmls <= 1 && files.length <= 2 && !zips) return; // one invoice: the normal form
    if (zips && files.length === 1) { text.textContent = "Subiendo y revisando el ZIP…"; box.hidden = false; return; }
    ev.preventDefault();
    var batch = uuid4(), todo = groups(files), done = 0;
    box.hidden = false; bar.max = todo.length; bar.value = 0; list.innerHTML = "";
    text.textContent = "0 de " + todo.length + " archivos revisados";
    var lis = todo.map(function (g) { var li = document.createElement("li"); list.appendChild(li); li.textContent = g[0].name + ": en espera"; return li; });
    // Sequential: each file is its own request and transaction.
    todo.reduce(function (p, g, i) {
      return p.then(function () { return run(g, batch, lis[i]); }).then(function () {
        done += 1; bar.value = done; text.textContent = done + " de " + todo.length + " archivos revisados";
      });
    }, Promise.resolve()).then(function () {
      var link = document.getElementById("progress-link");
      link.href = form.dataset.batchUrl.replace("00000000-0000-0000-0000-000000000000", batch);
      document.getElementById("progress-done").hidden = false;
    });
  });
})();
