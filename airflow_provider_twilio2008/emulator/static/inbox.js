/*
 * Inbox page of the Twilio 2008-08-01 emulator: polls GET /_emulator/state once a second and
 * shows the account's calls, SMS, recordings (playable) and transcriptions.
 *
 * Credentials: the state endpoint wants the account's HTTP Basic credentials, like the REST
 * API. Open the page as  http://127.0.0.1:PORT/#<AccountSid>:<AuthToken>  or type them into the
 * form. The fragment never reaches the server; the page moves the pair into this tab's
 * sessionStorage, removes it from the address bar, and sends it only in the Authorization
 * header of same-origin requests to /_emulator/state. Recording media needs no credentials
 * (reference 3.6), so <audio> elements point straight at the media URLs.
 *
 * Everything from the server is written with textContent, never as HTML.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "twilio2008.inbox.credentials";
  var POLL_MS = 1000;
  var CALL_STATUS = ["queued", "in-progress", "completed", "busy", "failed", "no-answer"];
  var SID_PATTERN = /^AC[0-9a-f]{32}$/;

  var credentials = null;
  var timer = null;
  var signatures = {};

  function $(id) {
    return document.getElementById(id);
  }

  function parseCredentials(text) {
    var value = (text || "").replace(/^#/, "");
    try {
      value = decodeURIComponent(value);
    } catch (e) {
      return null;
    }
    var sid, token;
    if (value.indexOf("sid=") !== -1) {
      var params = new URLSearchParams(value);
      sid = params.get("sid");
      token = params.get("token");
    } else {
      var colon = value.indexOf(":");
      if (colon < 0) return null;
      sid = value.slice(0, colon);
      token = value.slice(colon + 1);
    }
    if (!sid || !token || !SID_PATTERN.test(sid)) return null;
    return { sid: sid, token: token };
  }

  function loadCredentials() {
    var fromHash = parseCredentials(window.location.hash);
    if (fromHash) {
      saveCredentials(fromHash);
      history.replaceState(null, "", window.location.pathname + window.location.search);
      return fromHash;
    }
    try {
      return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
    } catch (e) {
      return null;
    }
  }

  function saveCredentials(pair) {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(pair));
    } catch (e) {
      /* storage disabled: keep them in memory only */
    }
  }

  function setStatus(text, isError) {
    var node = $("status");
    node.textContent = text;
    node.className = "meta" + (isError ? " error" : "");
  }

  function showLogin(message) {
    $("login").hidden = false;
    if (credentials) $("login-sid").value = credentials.sid;
    setStatus(message, true);
  }

  /* ---- small DOM helpers ---- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function cell(content, className) {
    var td = el("td", className ? { class: className } : {});
    if (content === null || content === undefined || content === "") {
      td.textContent = "—";
    } else if (typeof content === "object") {
      td.appendChild(content);
    } else {
      td.textContent = String(content);
    }
    return td;
  }

  function time(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return String(iso);
    return date.toLocaleString();
  }

  function seconds(value) {
    return value === null || value === undefined ? "" : value + " s";
  }

  function pill(text, tone) {
    return el("span", { class: "status " + tone, text: text });
  }

  function callStatus(code) {
    var name = CALL_STATUS[code] || "unknown";
    var tone = code === 2 ? "good" : code === 0 || code === 1 ? "live" : "bad";
    return pill(name + " (" + code + ")", tone);
  }

  function smsStatus(name) {
    var tone = name === "sent" ? "good" : name === "failed" ? "bad" : "live";
    return pill(name || "unknown", tone);
  }

  function parties(from, to) {
    return (from || "?") + " → " + (to || "?");
  }

  /* ---- rows ---- */

  function callRow(call) {
    var segments = el(
      "ul",
      { class: "sub" },
      (call.segments || []).map(function (segment) {
        return el("li", {}, [
          el("span", { class: "sid", text: segment.call_segment_sid || segment.sid }),
          " ",
          callStatus(segment.status),
          " " + parties(segment.caller, segment.called),
          segment.duration !== null && segment.duration !== undefined ? " · " + seconds(segment.duration) : "",
        ]);
      })
    );
    var notifications = el(
      "ul",
      { class: "sub" },
      (call.notifications || []).map(function (note) {
        var code = note.more_info
          ? el("a", { href: note.more_info, target: "_blank", rel: "noreferrer", text: String(note.error_code) })
          : String(note.error_code);
        return el("li", { class: "notice" }, [
          code,
          " " + (note.message_text || ""),
          note.request_url ? " (" + (note.request_method || "") + " " + note.request_url + ")" : "",
        ]);
      })
    );
    return [
      cell(call.sid, "sid"),
      cell(callStatus(call.status)),
      cell(parties(call.caller, call.called)),
      cell(time(call.start_time)),
      cell(seconds(call.duration)),
      cell(segments.childNodes.length ? segments : ""),
      cell(notifications.childNodes.length ? notifications : ""),
    ];
  }

  function smsRow(message) {
    var from = message.from_ !== undefined ? message.from_ : message.from;
    return [
      cell(message.sid, "sid"),
      cell(smsStatus(message.status)),
      cell(parties(from, message.to)),
      cell(message.body),
      cell(time(message.date_sent || message.date_created)),
    ];
  }

  function recordingRow(recording) {
    var audio = el("audio", { controls: "", preload: "none", "data-recording": recording.sid }, [
      el("source", { src: recording.wav_url || recording.url, type: "audio/wav" }),
      el("source", { src: recording.mp3_url || recording.url + ".mp3", type: "audio/mpeg" }),
      "Your browser cannot play audio.",
    ]);
    var files = el("span", {}, [
      el("a", { href: recording.wav_url || recording.url, text: ".wav" }),
      " · ",
      el("a", { href: recording.mp3_url || recording.url + ".mp3", text: ".mp3" }),
    ]);
    return [
      cell(recording.sid, "sid"),
      cell(recording.call_sid, "sid"),
      cell(seconds(recording.duration)),
      cell(audio),
      cell(files),
    ];
  }

  function transcriptionRow(item) {
    var tone = item.status === "completed" ? "good" : item.status === "failed" ? "bad" : "live";
    return [
      cell(item.sid, "sid"),
      cell(item.recording_sid, "sid"),
      cell(pill(item.status || "unknown", tone)),
      cell(item.transcription_text),
    ];
  }

  /*
   * Render a table body keyed by SID. A row is rebuilt only when its data changed, so an
   * <audio> element that is playing is not replaced by the next poll.
   */
  function renderTable(name, items, makeCells, emptyText, columns) {
    var body = $(name + "-body");
    var seen = signatures[name] || (signatures[name] = {});
    $(name + "-count").textContent = "(" + items.length + ")";
    if (!items.length) {
      body.replaceChildren(el("tr", {}, [el("td", { class: "empty", colspan: String(columns), text: emptyText })]));
      signatures[name] = {};
      return;
    }
    var existing = {};
    Array.prototype.forEach.call(body.children, function (row) {
      if (row.dataset.sid) existing[row.dataset.sid] = row;
    });
    var rows = items.map(function (item) {
      var signature = JSON.stringify(item);
      var row = existing[item.sid];
      if (!row || seen[item.sid] !== signature) {
        row = el("tr", { "data-sid": item.sid }, makeCells(item));
        seen[item.sid] = signature;
      }
      return row;
    });
    rows.forEach(function (row, index) {
      if (body.children[index] !== row) body.insertBefore(row, body.children[index] || null);
    });
    while (body.children.length > rows.length) body.removeChild(body.lastChild);
  }

  function render(state) {
    renderTable("calls", state.calls || [], callRow, "No calls yet.", 7);
    renderTable("sms", state.sms || [], smsRow, "No messages yet.", 5);
    renderTable("recordings", state.recordings || [], recordingRow, "No recordings yet.", 5);
    renderTable("transcriptions", state.transcriptions || [], transcriptionRow, "No transcriptions yet.", 4);
    $("account").textContent = state.account_sid || "";
    setStatus("updated " + new Date().toLocaleTimeString(), false);
  }

  /* ---- polling ---- */

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, POLL_MS);
  }

  function poll() {
    if (!credentials) {
      showLogin("enter the account's SID and Auth Token");
      return;
    }
    fetch("/_emulator/state", {
      headers: { Authorization: "Basic " + btoa(credentials.sid + ":" + credentials.token) },
      cache: "no-store",
      credentials: "omit", // no cookies, and no browser login dialog on a 401
    })
      .then(function (response) {
        if (response.status === 401) {
          showLogin("the Account SID or Auth Token is wrong");
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        if (state) {
          $("login").hidden = true;
          render(state);
          schedule();
        }
      })
      .catch(function (error) {
        setStatus("emulator unreachable (" + error.message + "), retrying…", true);
        schedule();
      });
  }

  function onLogin(event) {
    event.preventDefault();
    var pair = parseCredentials($("login-sid").value.trim() + ":" + $("login-token").value.trim());
    if (!pair) {
      setStatus("the Account SID is 'AC' followed by 32 lower-case hex digits", true);
      return;
    }
    credentials = pair;
    saveCredentials(pair);
    $("login-token").value = "";
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("login").addEventListener("submit", onLogin);
    credentials = loadCredentials();
    poll();
  });
})();
