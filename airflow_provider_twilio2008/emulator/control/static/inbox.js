/*
 * Inbox page of the Twilio 2008-08-01 emulator: polls GET /_emulator/state once a second and
 * shows the account's calls, SMS, recordings (playable) and transcriptions.
 *
 * Credentials: the state endpoint wants the account's HTTP Basic credentials, like the REST
 * API. Open the page as  http://127.0.0.1:PORT/#<AccountSid>:<AuthToken>  or type them into the
 * form. The fragment never reaches the server; the page moves the pair into this tab's
 * sessionStorage, removes it from the address bar, and sends it only in the Authorization
 * header of same-origin requests to /_emulator/state and /_emulator/inbound/sms (the form that
 * texts one of the account's numbers). The token is never written into the page, a URL or the
 * console. Recording media needs no credentials (reference 3.6), so <audio> elements point
 * straight at the media URLs.
 *
 * SMS direction comes from the message's Flags bits (reference 3.5): 1 inbound (a phone texted
 * the account), 2 a reply to an incoming message, 4 sent through the REST API.
 *
 * Everything from the server is written with textContent, never as HTML.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "twilio2008.inbox.credentials";
  var POLL_MS = 1000;
  var CALL_STATUS = ["queued", "in-progress", "completed", "busy", "failed", "no-answer"];
  var SID_PATTERN = /^AC[0-9a-f]{32}$/;
  var SMS_BODY_MAX = 160;
  var SMS_DIRECTIONS = [
    { bit: 1, label: "in", title: "inbound: a phone texted the account (Flags 1)" },
    { bit: 2, label: "reply", title: "reply to an incoming message, sent by TwiML (Flags 2)" },
    { bit: 4, label: "out", title: "outgoing, sent through the REST API (Flags 4)" },
  ];
  var SIGNED_OUT = {
    calls: ["Sign in to see the calls.", 7],
    sms: ["Sign in to see the messages.", 6],
    recordings: ["Sign in to see the recordings.", 5],
    transcriptions: ["Sign in to see the transcriptions.", 4],
  };

  var credentials = null;
  var timer = null;
  var signatures = {};
  var numbersKey = null;

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

  function forgetCredentials() {
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      /* storage disabled: nothing stored */
    }
  }

  function authorization() {
    return "Basic " + btoa(credentials.sid + ":" + credentials.token);
  }

  /* Show the sign-in form with ``message``, and nothing of any account behind it. */
  function showLogin(message) {
    $("login").hidden = false;
    if (credentials) $("login-sid").value = credentials.sid;
    var note = $("login-message");
    note.textContent = message;
    note.className = "login-message error";
    setStatus(message, true);
    clearInbox();
  }

  function clearInbox() {
    Object.keys(SIGNED_OUT).forEach(function (name) {
      var text = SIGNED_OUT[name][0];
      var columns = SIGNED_OUT[name][1];
      $(name + "-body").replaceChildren(
        el("tr", {}, [el("td", { class: "empty", colspan: String(columns), text: text })])
      );
      $(name + "-count").textContent = "";
      signatures[name] = {};
    });
    $("account").textContent = "";
    $("compose").hidden = true;
    numbersKey = null;
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

  /* The labels of the set Flags bits ("in", "reply", "out"); unknown bits are shown as numbers. */
  function smsDirection(flags) {
    if (flags === null || flags === undefined || flags === "") return "";
    var value = Number(flags);
    if (!isFinite(value)) return String(flags);
    var known = 0;
    var parts = [];
    SMS_DIRECTIONS.forEach(function (direction) {
      if (value & direction.bit) {
        known |= direction.bit;
        parts.push(el("span", { class: "direction " + direction.label, title: direction.title, text: direction.label }));
      }
    });
    if (value & ~known) parts.push(el("span", { class: "direction", title: "Flags " + value, text: "flags " + value }));
    return parts.length ? el("span", { "data-flags": String(value) }, parts) : "";
  }

  /* Only a sent message has a sent time: queued, sending and failed ones show none. */
  function smsSent(message) {
    return message.status === "sent" ? time(message.date_sent) : "";
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
      cell(smsDirection(message.flags), "sms-direction"),
      cell(smsStatus(message.status)),
      cell(parties(from, message.to)),
      cell(message.body),
      cell(smsSent(message), "sent"),
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
    renderTable("sms", state.sms || [], smsRow, "No messages yet.", 6);
    renderTable("recordings", state.recordings || [], recordingRow, "No recordings yet.", 5);
    renderTable("transcriptions", state.transcriptions || [], transcriptionRow, "No transcriptions yet.", 4);
    renderNumbers(state.incoming_phone_numbers || []);
    $("compose").hidden = false;
    $("account").textContent = state.account_sid || "";
    setStatus("updated " + new Date().toLocaleTimeString(), false);
  }

  /* Fill the form's To list with the account's numbers, keeping the choice across polls. */
  function renderNumbers(numbers) {
    var key = JSON.stringify(
      numbers.map(function (number) {
        return [number.phone_number, number.friendly_name];
      })
    );
    if (key === numbersKey) return;
    numbersKey = key;
    var select = $("compose-to");
    var chosen = select.value;
    var options = numbers
      .filter(function (number) {
        return number.phone_number;
      })
      .map(function (number) {
        var label = number.phone_number;
        var name = number.friendly_name || "";
        // a FriendlyName that is only the number formatted, "(500) 555-0006", adds nothing
        if (name && name.replace(/\D/g, "") !== number.phone_number) label += " — " + name;
        return el("option", { value: number.phone_number, text: label });
      });
    if (!options.length) options = [el("option", { value: "", text: "the account has no numbers" })];
    select.replaceChildren.apply(select, options);
    if (chosen) select.value = chosen;
    if (!select.value) select.selectedIndex = 0;
    select.disabled = !numbers.length;
    $("compose-send").disabled = !numbers.length;
  }

  /* ---- the form that texts the account ---- */

  function composeResult(text, isError) {
    var node = $("compose-result");
    node.textContent = text;
    node.className = "compose-result" + (isError ? " error" : " ok");
  }

  function countBody() {
    $("compose-count").textContent = $("compose-body").value.length + "/" + SMS_BODY_MAX;
  }

  /* The message of an error answer: {"error": "..."}, {"error": {"message": ...}}, {"message": ...}. */
  function errorMessage(data) {
    if (!data || typeof data !== "object") return "";
    var error = data.error !== undefined ? data.error : data.message !== undefined ? data.message : data.detail;
    if (error && typeof error === "object") error = error.message || JSON.stringify(error);
    return error ? String(error) : "";
  }

  function onCompose(event) {
    event.preventDefault();
    if (!credentials) {
      showLogin("You must sign in before texting the account.");
      return;
    }
    var payload = {
      From: $("compose-from").value.trim(),
      To: $("compose-to").value,
      Body: $("compose-body").value,
    };
    var button = $("compose-send");
    button.disabled = true;
    composeResult("sending…", false);
    fetch("/_emulator/inbound/sms", {
      method: "POST",
      headers: { Authorization: authorization(), "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      cache: "no-store",
      credentials: "omit",
    })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (e) {
            data = null;
          }
          return { response: response, data: data };
        });
      })
      .then(function (answer) {
        var response = answer.response;
        var data = answer.data;
        if (response.ok) {
          var sid = data && data.sid ? data.sid + " " : "";
          composeResult("Texted " + payload.To + " from " + payload.From + ": " + sid + "received.", false);
          $("compose-body").value = "";
          countBody();
          poll();
          return;
        }
        var message = errorMessage(data) || "HTTP " + response.status;
        if (response.status === 401) {
          composeResult("Not sent: the Account SID or Auth Token is wrong.", true);
          showLogin("Sign-in failed: the Account SID or Auth Token is wrong.");
          return;
        }
        composeResult("Not sent: " + message, true);
      })
      .catch(function (error) {
        composeResult("Not sent: emulator unreachable (" + error.message + ")", true);
      })
      .then(function () {
        button.disabled = $("compose-to").disabled;
      });
  }

  /* ---- polling ---- */

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, POLL_MS);
  }

  function poll() {
    if (!credentials) {
      showLogin("You must sign in: enter the account's SID and Auth Token to see its inbox.");
      return;
    }
    fetch("/_emulator/state", {
      headers: { Authorization: authorization() },
      cache: "no-store",
      credentials: "omit", // no cookies, and no browser login dialog on a 401
    })
      .then(function (response) {
        if (response.status === 401) {
          forgetCredentials();
          showLogin("Sign-in failed: the Account SID or Auth Token is wrong.");
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        if (state) {
          $("login").hidden = true;
          $("login-message").className = "login-message";
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
      var note = $("login-message");
      note.textContent = "Enter both: the Account SID is 'AC' followed by 32 lower-case hex digits.";
      note.className = "login-message error";
      setStatus(note.textContent, true);
      return;
    }
    credentials = pair;
    saveCredentials(pair);
    $("login-token").value = "";
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("login").addEventListener("submit", onLogin);
    $("compose").addEventListener("submit", onCompose);
    $("compose-body").addEventListener("input", countBody);
    credentials = loadCredentials();
    poll();
  });

  /* Credentials typed into the address bar of an open page: use them at once. */
  window.addEventListener("hashchange", function () {
    var pair = parseCredentials(window.location.hash);
    if (!pair) return;
    credentials = loadCredentials();
    poll();
  });
})();
