// index.html's first paint when the app cannot start (a classic script: it loads even where the
// app's module script is refused). In a frame sandboxed without allow-same-origin (a course
// platform's), the page has an opaque origin and a host without CORS headers refuses it the
// module script and the WebAssembly; the placeholder then says so and links to the app in a new
// tab. The single-file embed (embed.html) is what runs there (README, "Embed it in a course
// platform").
(function () {
  var said = false;
  function say(text) {
    var boot = document.getElementById('boot');
    var note = boot && boot.querySelector('.boot-note');
    if (!note || said) return;
    said = true;
    note.textContent = text + ' ';
    var a = document.createElement('a');
    a.href = location.href.replace(/([#&])embed=1(?=&|$)/, '$1');
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = 'Open Flow Playground in a new tab \u2197';
    note.appendChild(a);
    boot.setAttribute('data-failed', 'true');
  }
  function refused() {
    say(self.origin === 'null'
      ? 'This frame is sandboxed without allow-same-origin, so the browser refused the app\u2019s script from this host. Embed embed.html instead (Share \u2192 Embed in a course platform).'
      : 'The browser could not load the app\u2019s script.');
  }
  addEventListener('error', function (e) {
    var t = e.target;
    if (t && t.tagName === 'SCRIPT') refused();
  }, true);
  addEventListener('unhandledrejection', function (e) {
    say('The app could not start here (' + String((e.reason && e.reason.message) || e.reason).slice(0, 160) + ').');
  });
  setTimeout(function () {
    if (document.getElementById('boot')) say('Still loading\u2026 If nothing appears, the app cannot run here.');
  }, 8000);
})();
