/* The few lines of Telegram's Mini App script this site needs, served from here (no CDN):
   the theme colours and the init data come in the address's hash when Telegram opens /app
   (core.telegram.org/bots/webapps); the page then tells Telegram it is ready. A theme changed
   while the page is open comes as a "theme_changed" event, which Telegram's apps deliver
   through window.Telegram.WebView.receiveEvent (or TelegramGameProxy) and its web client as a
   message to the frame; each page asks for the current theme with "web_app_request_theme". */
(function () {
  "use strict";
  var hash = new URLSearchParams(location.hash.slice(1));
  var names = ["bg", "text", "hint", "link", "button", "button_text", "secondary_bg"];

  function readTheme() {
    try {
      var raw = hash.get("tgWebAppThemeParams");
      if (raw) { sessionStorage.setItem("tgTheme", raw); }
      return JSON.parse(raw || sessionStorage.getItem("tgTheme") || "null");
    } catch (e) { return null; }
  }

  function applyTheme(theme) {
    if (!theme) { return; }
    names.forEach(function (name) {
      var value = theme[name + "_color"], style = document.documentElement.style;
      var property = "--tg-" + name.replace("_", "-");
      if (/^#[0-9a-fA-F]{3,8}$/.test(value || "")) {
        style.setProperty(property, value);
      } else {
        style.removeProperty(property);  // this theme leaves it to the page's own colour
      }
    });
  }

  function receiveEvent(type, data) {
    var theme = data && data.theme_params;
    if (type !== "theme_changed" || !theme || typeof theme !== "object") { return; }
    try { sessionStorage.setItem("tgTheme", JSON.stringify(theme)); } catch (e) {}
    applyTheme(theme);
  }

  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = { receiveEvent: receiveEvent };
  window.TelegramGameProxy = { receiveEvent: receiveEvent };
  window.TelegramGameProxy_receiveEvent = receiveEvent;
  if (window.parent !== window) {
    window.addEventListener("message", function (event) {
      var message;
      if (event.source !== window.parent) { return; }
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message && message.eventType) { receiveEvent(message.eventType, message.eventData); }
    });
  }

  function postEvent(type, data) {
    var body = JSON.stringify(data || {});
    if (window.TelegramWebviewProxy) {
      window.TelegramWebviewProxy.postEvent(type, body);
    } else if (window.external && "notify" in window.external) {
      window.external.notify(JSON.stringify({ eventType: type, eventData: data || {} }));
    } else if (window.parent !== window) {
      window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "*");
    }
  }

  function signIn(box) {
    var data = hash.get("tgWebAppData");
    // "Nhập cả lớp" opens /app?next=teacher: after signing in, the class grid.
    var page = /^[a-z]{1,20}$/.test(new URLSearchParams(location.search).get("next") || "")
      ? new URLSearchParams(location.search).get("next") : "";
    var status = document.getElementById("status");
    if (!data) {
      status.hidden = true;
      document.getElementById("waiting").hidden = false;
      return;
    }
    history.replaceState(null, "", location.pathname);  // the init data leaves the address
    fetch(box.dataset.auth, {
      method: "POST",
      credentials: "same-origin",
      body: new URLSearchParams({ init_data: data })
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      if (answer.next) { location.replace(answer.next + page); } else { status.textContent = answer.error; }
    }).catch(function () { status.textContent = "…"; });
  }

  window.schoolbot = { postEvent: postEvent };  // grid.js closes the Mini App after "Gửi"
  applyTheme(readTheme());
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("miniapp");
    if (box) { signIn(box); }
    postEvent("web_app_ready");
    postEvent("web_app_request_theme");  // Telegram answers with "theme_changed"
  });
})();
