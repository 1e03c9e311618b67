// Titles suggested as a member types in a search box (progressive enhancement: the box
// works without it). The browser shows them through the box's <datalist>, which screen
// readers announce; only titles the member may open are ever returned.
(function () {
  "use strict";
  var MIN_LENGTH = 3;
  var PAUSE_MS = 250;
  document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !window.fetch) {
      return;
    }
    var timer = null;
    var latest = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < MIN_LENGTH) {
        list.replaceChildren();
        return;
      }
      timer = window.setTimeout(function () {
        latest = text;
        var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            if (latest !== text) {
              return;
            }
            list.replaceChildren.apply(list, (data.suggestions || []).map(function (title) {
              var option = document.createElement("option");
              option.value = title;
              return option;
            }));
          })
          .catch(function () { list.replaceChildren(); });
      }, PAUSE_MS);
    });
  });
})();
