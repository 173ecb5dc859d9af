// Door check-in: read a trainee's QR code with the camera and submit it.
// Progressive enhancement only: without BarcodeDetector (or without a
// camera) the buttons stay hidden and staff type the code or search by name.
(function () {
  'use strict';
  var form = document.getElementById('door-code-form');
  if (!form || !('BarcodeDetector' in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var input = form.querySelector('input[name="code"]');
  var start = document.getElementById('scan-start');
  var stop = document.getElementById('scan-stop');
  var video = document.getElementById('scan-video');
  var status = document.getElementById('scan-status');
  var detector;
  var stream = null;
  var timer = null;

  function halt() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function submit(code) {
    input.value = code;
    halt();
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function scan() {
    detector.detect(video).then(function (codes) {
      var found = codes.find(function (c) { return c.rawValue; });
      if (found) { submit(found.rawValue.trim()); return; }
      timer = setTimeout(scan, 200);
    }).catch(function () { timer = setTimeout(scan, 400); });
  }

  function begin() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        status.textContent = '';
        return video.play();
      })
      .then(scan)
      .catch(function () {
        halt();
        // The page carries the message in its own language.
        status.textContent = status.getAttribute('data-camera-error') || '';
      });
  }

  BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf('qr_code') === -1) { return; }
    detector = new BarcodeDetector({ formats: ['qr_code'] });
    start.hidden = false;
    start.addEventListener('click', begin);
    stop.addEventListener('click', halt);
    window.addEventListener('pagehide', halt);
  }).catch(function () {});
}());
