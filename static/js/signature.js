/* Signature pad: draw with a finger, mouse or pen; on submit the drawing goes into the
   hidden field as a PNG data URL. No dependencies, no build step. */
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  var input = document.getElementById(canvas.dataset.target);
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var dirty = false;
  var last = null;

  function resize() {
    // Bounded resolution keeps the PNG small (the server refuses big ones).
    var scale = Math.min(window.devicePixelRatio || 1, 2);
    var rect = canvas.getBoundingClientRect();
    canvas.width = Math.round(rect.width * scale);
    canvas.height = Math.round(rect.height * scale);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#10233f";
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, rect.width, rect.height);
    dirty = false;
  }

  function point(e) {
    var rect = canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    drawing = true;
    last = point(e);
    ctx.beginPath();
    ctx.arc(last.x, last.y, 1, 0, 2 * Math.PI);
    ctx.fillStyle = "#10233f";
    ctx.fill();
    dirty = true;
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drawing) return;
    e.preventDefault();
    var p = point(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
    canvas.addEventListener(name, function () { drawing = false; });
  });

  document.getElementById("signature-clear").addEventListener("click", function () {
    resize();
    input.value = "";
  });
  canvas.form = canvas.closest("form");
  canvas.form.addEventListener("submit", function () {
    input.value = dirty ? canvas.toDataURL("image/png") : "";
  });
  resize();
})();
