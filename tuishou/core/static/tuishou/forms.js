/* A form sent back with errors opens where the first error is: on a phone the refused form (the shipping form, an
   answer to an after-sales case) is often below the fold, and the page would otherwise reopen at its top with
   nothing seen to have happened. The field is focused too, so the person types the correction straight away. */
(function () {
  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }
  ready(function () {
    if (location.hash) { return; }  // the page was asked to open somewhere else
    var invalid = document.querySelector("main form .field.invalid, main form .alert.error, main form .error");
    if (!invalid) { return; }
    var box = invalid.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { invalid.scrollIntoView({block: "center"}); }
    var input = (invalid.closest(".field") || invalid.closest("form")).querySelector("input:not([type=hidden]), select, textarea");
    if (input && input.type !== "file") { input.focus({preventScroll: true}); }
  });
})();
