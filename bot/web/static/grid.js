/* The class grid saves as you type: each changed cell is posted with the row's form token
   (a comment after a pause in typing, a session or a quick phrase at once), one request per row
   at a time; the row says "Đang lưu…", "Đã lưu" or "Lỗi: <lý do>", and a refused text stays in
   its box. Without this script each row is a plain form with its own button. After "Gửi", a
   Mini App closes itself. */
(function () {
  "use strict";
  var WAIT = 800;

  function rowSaver(form, grid) {
    var state = form.querySelector(".state");
    var dirty = {}, timer = null, busy = false;

    function show(text, bad) {
      state.textContent = text;
      state.className = bad ? "state error" : "state";
    }

    function send() {
      clearTimeout(timer);
      timer = null;
      var names = Object.keys(dirty);
      if (busy || !names.length) { return; }
      var body = new URLSearchParams();
      ["csrf", "week", "pupil", "day"].concat(names).forEach(function (name) {
        var field = form.elements[name];
        if (field) { body.append(name, field.value); }
      });
      dirty = {};
      busy = true;
      show(grid.dataset.saving, false);
      fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        var text = answer.ok ? answer.message + (answer.told ? " · " + answer.told : "")
          : grid.dataset.error.replace("{reason}", answer.message);
        show(text, !answer.ok);
      }).catch(function () {
        names.forEach(function (name) { dirty[name] = true; });  // kept for the next try
        show(grid.dataset.error.replace("{reason}", grid.dataset.offline), true);
      }).then(function () {
        busy = false;
        if (Object.keys(dirty).length && !timer) { send(); }
      });
    }

    function later(name) {
      dirty[name] = true;
      clearTimeout(timer);
      timer = setTimeout(send, WAIT);
    }

    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") { later(event.target.name); }
    });
    form.addEventListener("focusout", function (event) {
      if (event.target.tagName === "TEXTAREA" && timer) { send(); }
    });
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (field.tagName !== "SELECT") { return; }
      if (field.name === "phrase") {
        if (!field.value) { return; }
        form.elements.comment.value = field.options[field.selectedIndex].text;
        field.value = "";
        dirty.comment = true;
      } else {
        dirty[field.name] = true;
      }
      send();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.querySelectorAll("textarea").forEach(function (box) { dirty[box.name] = true; });
      send();
    });
    return function () { return busy || timer !== null; };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.getElementById("grid");
    if (grid) {
      grid.classList.add("live");
      var pending = [].map.call(grid.querySelectorAll("form[data-row]"), function (form) {
        return rowSaver(form, grid);
      });
      window.addEventListener("beforeunload", function (event) {
        if (pending.some(function (waiting) { return waiting(); })) { event.preventDefault(); }
      });
    }
    if (document.getElementById("sent") && window.schoolbot) {
      setTimeout(function () { window.schoolbot.postEvent("web_app_close"); }, 1500);
    }
  });
})();
