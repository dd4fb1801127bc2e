/* The assessment grid saves as you type: each open cell is posted on its own (after a pause in
   typing, or on leaving it) with the page's form token, one request per cell at a time; the cell
   and the line above the table say "Đang lưu…", "Đã lưu" (with a note about a subject's parts)
   or "Lỗi: <lý do>", and a refused value stays in its cell. Without this script the cells are
   read-only. */
(function () {
  "use strict";
  var WAIT = 800;

  function cellSaver(input, book, state) {
    var row = input.closest("tr");
    var timer = null, busy = false, again = false, sent = input.value;

    function show(text, kind) {
      input.classList.remove("saving", "saved", "error");
      if (kind) { input.classList.add(kind); }
      input.title = kind === "error" ? text : "";
      state.textContent = text;
      state.className = kind === "error" ? "state error" : "state";
    }

    function send() {
      clearTimeout(timer);
      timer = null;
      if (busy) { again = true; return; }
      if (input.value === sent) { return; }
      var value = input.value, body = new URLSearchParams();
      body.append("csrf", book.dataset.csrf);
      body.append("year", book.dataset.year);
      body.append("period", book.dataset.period);
      body.append("pupil", row.dataset.pupil);
      body.append("item", input.name);
      body.append("value", value);
      busy = true;
      show(book.dataset.saving, "saving");
      fetch(book.dataset.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        if (answer.ok) {
          sent = answer.value;
          if (input.value === value) { input.value = answer.value; }
          show(answer.message + (answer.note ? " · " + answer.note : ""), "saved");
        } else {
          show(book.dataset.error.replace("{reason}", answer.message), "error");
        }
      }).catch(function () {
        show(book.dataset.error.replace("{reason}", book.dataset.offline), "error");
      }).then(function () {
        busy = false;
        if (again) { again = false; send(); }
      });
    }

    input.readOnly = false;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(send, WAIT);
    });
    input.addEventListener("change", send);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); send(); }
    });
    return function () { return busy || timer !== null; };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var book = document.getElementById("book");
    var state = document.getElementById("book-state");
    if (!book || !state) { return; }
    var pending = [].map.call(book.querySelectorAll("input[data-open]"), function (input) {
      return cellSaver(input, book, state);
    });
    window.addEventListener("beforeunload", function (event) {
      if (pending.some(function (waiting) { return waiting(); })) { event.preventDefault(); }
    });
  });
})();
