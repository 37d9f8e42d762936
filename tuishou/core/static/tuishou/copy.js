/* Copy-to-clipboard buttons ([data-copy]) and read-only link fields (.copy-text) that select themselves on a click.
   The buttons are hidden in the page (without JavaScript the link stays selectable text) and shown here. The word
   shown once copied comes translated from this script tag's data-copied attribute. No inline script anywhere:
   the Content-Security-Policy allows scripts from our own static files only. */
(function () {
  var copied = (document.currentScript && document.currentScript.dataset.copied) || "✓";
  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }
  ready(function () {
    document.querySelectorAll("input.copy-text").forEach(function (field) {
      field.addEventListener("click", function () { field.select(); });
    });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () { button.textContent = copied; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(button.dataset.copy).then(done);
        } else {
          var field = button.parentNode.querySelector(".copy-text");
          if (field) { field.select(); document.execCommand("copy"); done(); }
        }
      });
    });
  });
})();
