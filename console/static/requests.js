// Pupils' requests appear without a reload: poll a small JSON endpoint (every 5 s by default).
// Built with the DOM API only (textContent), never innerHTML: messages come from pupils.
(function () {
  "use strict";
  var list = document.getElementById("requests");
  if (!list) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  function form(action, label, extra) {
    var f = document.createElement("form");
    f.method = "post";
    f.action = action;
    f.className = "inline";
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "csrf_token"; hidden.value = token;
    f.appendChild(hidden);
    if (extra) {
      var minutes = document.createElement("input");
      minutes.type = "hidden"; minutes.name = "minutes"; minutes.value = extra;
      f.appendChild(minutes);
    }
    var button = document.createElement("button");
    button.type = "submit"; button.textContent = label;
    f.appendChild(button);
    return f;
  }

  function render(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "muted"; empty.textContent = list.dataset.empty;
      list.appendChild(empty);
      return;
    }
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "request";
      var text = document.createElement("span");
      text.textContent = item.group + " · " + (item.title || item.service) + " · " + item.minutes_ago + " " + list.dataset.ago +
        (item.message ? " · “" + item.message + "”" : "");
      li.appendChild(text);
      var base = list.dataset.url.replace(/requests\.json$/, "requests/" + item.id);
      li.appendChild(form(base + "/approve", list.dataset.approve, "15"));
      li.appendChild(form(base + "/decline", list.dataset.decline));
      list.appendChild(li);
    });
  }

  function poll() {
    fetch(list.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) { render(body.requests); } })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, Number(list.dataset.interval) || 5000); });
  }
  poll();
})();
