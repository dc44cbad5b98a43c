/*
 * Sakot web chat widget. Add to any page with one tag:
 *   <script src="http://localhost:8000/widget.js" defer></script>
 * Optional attributes: data-open="true" (start open), data-title="...".
 *
 * - The visitor id lives in localStorage, so a reload or a new tab resumes the same chat. It
 *   is sent in the socket's first frame, never in a URL, and not exposed to the host page.
 * - One WebSocket to /web/ws; reconnects with backoff; the server replays the history and the
 *   widget keys every message by id, so nothing shows twice. Messages typed while offline are
 *   kept and resent with the same client id (the server ignores repeats).
 * - Everything lives in a shadow root: the host page's CSS can't break it, and it can't
 *   break the host page.
 */
(function () {
  "use strict";
  if (window.__sakotWidget) return;
  window.__sakotWidget = true;

  var script = document.currentScript;
  var base = script ? new URL(script.src, location.href).origin : location.origin;
  var wsBase = base.replace(/^http/, "ws");
  var startOpen = script && script.getAttribute("data-open") === "true";
  var title = (script && script.getAttribute("data-title")) || "สกัด · ผู้ช่วยเมื่อถูกหลอกออนไลน์";
  var STORE = "sakot.visitor", OPEN = "sakot.open", STARTED = "sakot.started";

  // The visitor id is the chat's only credential: 128 random bits from the browser's CSPRNG
  // (every browser that runs this widget has crypto.getRandomValues; never Math.random).
  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16); crypto.getRandomValues(bytes);
    var s = ""; for (var i = 0; i < bytes.length; i++) s += (bytes[i] + 256).toString(16).slice(1);
    return s;
  }
  function store(kind, key, value) {
    try { return value === undefined ? window[kind].getItem(key) : window[kind].setItem(key, value); }
    catch (e) { return null; }
  }
  var visitor = store("localStorage", STORE);
  if (!visitor || !/^[A-Za-z0-9_-]{8,64}$/.test(visitor)) {
    visitor = uid(); store("localStorage", STORE, visitor);
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:'Sarabun','Noto Sans Thai','Leelawadee UI','Loma','Garuda','Tahoma',sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;",
    "border:0;border-radius:999px;padding:14px 20px;background:#0b5cad;color:#fff;font-size:17px;cursor:pointer;",
    "box-shadow:0 4px 16px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,label.attach:focus-within{outline:3px solid #ffbf47;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:380px;max-width:calc(100vw - 24px);",
    "height:600px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#1b1b1b;",
    "border-radius:14px;box-shadow:0 8px 32px rgba(0,0,0,.3);overflow:hidden;font-size:16px;line-height:1.55}",
    ".panel[hidden]{display:none}",
    "header{background:#0b5cad;color:#fff;padding:12px 14px;display:flex;align-items:flex-start;gap:8px}",
    "header h2{margin:0;font-size:17px;font-weight:600;flex:1}",
    "header .sub{display:block;font-size:13px;font-weight:400;opacity:.9}",
    "header button{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:2px 8px;border-radius:6px}",
    ".state{padding:8px 14px;font-size:14px;background:#eef4fb;border-bottom:1px solid #d6e2f0}",
    ".state.staff{background:#e7f6ec;color:#14532d;font-weight:600}",
    ".state.waiting{background:#fff7e0;color:#6b4500}",
    ".conn{padding:6px 14px;font-size:13px;background:#fdecea;color:#8a1c13}",
    ".conn[hidden]{display:none}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}",
    ".log>*{flex-shrink:0}",
    ".msg{max-width:86%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word}",
    ".msg.user{align-self:flex-end;background:#0b5cad;color:#fff;border-bottom-right-radius:4px}",
    ".msg.bot,.msg.system{align-self:flex-start;background:#fff;border:1px solid #dde1e6;border-bottom-left-radius:4px}",
    ".msg.staff{align-self:flex-start;background:#e7f6ec;border:1px solid #9fd4b0;border-bottom-left-radius:4px}",
    ".msg .who{display:block;font-size:12px;color:#445;margin-bottom:2px}",
    ".msg.pending{opacity:.65}",
    ".msg a{color:inherit}",
    ".card{align-self:stretch;background:#fff;border:2px solid #0b5cad;border-radius:12px;overflow:hidden}",
    ".card h3{margin:0;padding:8px 12px;color:#fff;background:#0b5cad;font-size:16px}",
    ".card.P0{border-color:#c62828}.card.P0 h3{background:#c62828}",
    ".card.P1{border-color:#ef6c00}.card.P1 h3{background:#ef6c00}",
    ".card dl{margin:0;padding:8px 12px;display:grid;grid-template-columns:auto 1fr;gap:4px 10px;font-size:15px}",
    ".card dt{color:#555}.card dd{margin:0;font-weight:600}",
    ".quick{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}",
    ".quick button{border:1px solid #0b5cad;background:#fff;color:#0b5cad;border-radius:999px;padding:6px 12px;font-size:15px;cursor:pointer}",
    ".quick button:hover{background:#eef4fb}",
    ".typing{font-size:13px;color:#555;padding:0 14px 4px;min-height:1.4em}",
    "form{display:flex;gap:6px;padding:8px;border-top:1px solid #dde1e6;align-items:flex-end}",
    "textarea{flex:1;resize:none;border:1px solid #aab4c0;border-radius:10px;padding:8px 10px;font-size:16px;max-height:120px;min-height:44px}",
    ".send{border:0;background:#0b5cad;color:#fff;border-radius:10px;padding:0 14px;height:44px;font-size:16px;cursor:pointer}",
    "label.attach{display:inline-flex;align-items:center;justify-content:center;width:44px;height:44px;border:1px solid #aab4c0;border-radius:10px;cursor:pointer;font-size:20px}",
    "label.attach input{position:absolute;width:1px;height:1px;opacity:0}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".notice{font-size:12px;color:#555;padding:0 10px 8px}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}",
    ".launcher{right:12px;bottom:12px}}"
  ].join("");

  var host = document.createElement("div");
  host.id = "sakot-widget";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    '<style>' + CSS + '</style>' +
    '<button class="launcher" type="button" aria-expanded="false" aria-controls="sakot-panel">' +
    '<svg aria-hidden="true" focusable="false" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg><span>แจ้งเหตุถูกหลอก / ขอคำแนะนำ</span></button>' +
    '<section class="panel" id="sakot-panel" role="dialog" aria-modal="false" aria-labelledby="sakot-title" hidden>' +
    '<header><h2 id="sakot-title"></h2>' +
    '<button type="button" class="close" aria-label="ปิดหน้าต่างแชท">×</button></header>' +
    '<div class="state" role="status" aria-live="polite"></div>' +
    '<div class="conn" role="status" aria-live="polite" hidden></div>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="ข้อความในแชท" tabindex="0"></div>' +
    '<div class="typing" aria-live="polite"></div>' +
    '<form novalidate><label class="sr" for="sakot-input">พิมพ์ข้อความถึงสกัด</label>' +
    '<label class="attach" title="แนบสลิปหรือรูปหน้าจอ"><svg aria-hidden="true" focusable="false" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48"/></svg>' +
    '<span class="sr">แนบสลิปโอนเงินหรือรูปหน้าจอ</span>' +
    '<input type="file" accept="image/*,application/pdf"></label>' +
    '<textarea id="sakot-input" rows="1" placeholder="เล่าสิ่งที่เกิดขึ้นได้เลยค่ะ…" autocomplete="off"></textarea>' +
    '<button class="send" type="submit">ส่ง</button></form>' +
    '<p class="notice">ห้ามส่งรหัส OTP, PIN หรือรหัสผ่านให้ใครทั้งสิ้น · ' +
    '<a href="' + base + '/privacy" target="_blank" rel="noopener">ประกาศความเป็นส่วนตัว</a></p>' +
    '</section>';

  var $ = function (sel) { return root.querySelector(sel); };
  var launcher = $(".launcher"), panel = $(".panel"), log = $(".log"), input = $("textarea");
  var stateBox = $(".state"), connBox = $(".conn"), typingBox = $(".typing");
  var fileInput = $("input[type=file]"), form = $("form");
  $("#sakot-title").innerHTML = "";
  $("#sakot-title").appendChild(document.createTextNode(title));
  var sub = document.createElement("span"); sub.className = "sub";
  sub.textContent = "ผู้ช่วยอัตโนมัติ ไม่ใช่ตำรวจหรือศูนย์ 1441";
  $("#sakot-title").appendChild(sub);

  var seen = {};          // message id -> element
  var pending = {};       // client id -> {frame, el}
  var sessionId = null, ws = null, retry = 0, connected = false;

  var STATE_TEXT = {
    bot: "ผู้ช่วยอัตโนมัติกำลังดูแลคุณ",
    waiting_for_staff: "กำลังรอเจ้าหน้าที่ — เจ้าหน้าที่จะเข้ามาคุยกับคุณเร็วที่สุด",
    staff: "คุณกำลังคุยกับเจ้าหน้าที่ (คนจริง)",
    closed: "การสนทนาปิดแล้ว — พิมพ์ข้อความเพื่อเริ่มใหม่"
  };
  function setState(state) {
    stateBox.textContent = STATE_TEXT[state] || STATE_TEXT.bot;
    stateBox.className = "state" + (state === "staff" ? " staff" : state === "waiting_for_staff" ? " waiting" : "");
    panel.setAttribute("data-handoff", state || "bot");
  }
  setState("bot");

  function open(focus) {
    // The chat starts when it is first opened (no conversation for every page view);
    // after that the widget connects on every page so pushes and staff messages arrive.
    if (!ws) { store("localStorage", STARTED, "1"); connect(); }
    panel.hidden = false; launcher.setAttribute("aria-expanded", "true");
    store("localStorage", OPEN, "1");
    if (focus !== false) input.focus();
    log.scrollTop = log.scrollHeight;
  }
  function close() {
    panel.hidden = true; launcher.setAttribute("aria-expanded", "false");
    store("localStorage", OPEN, "0"); launcher.focus();
  }
  launcher.addEventListener("click", function () { panel.hidden ? open() : close(); });
  $(".close").addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });

  function linkify(el, text) {
    var parts = String(text).split(/(https?:\/\/[^\s]+)/g);
    parts.forEach(function (part, i) {
      if (i % 2) {
        var a = document.createElement("a"); a.href = part; a.textContent = part;
        a.target = "_blank"; a.rel = "noopener"; el.appendChild(a);
      } else if (part) { el.appendChild(document.createTextNode(part)); }
    });
  }

  function renderCard(card) {
    var el = document.createElement("article");
    el.className = "card " + (card.priority || "");
    el.setAttribute("aria-label", "สรุปเคส " + card.case_number);
    var h = document.createElement("h3"); h.textContent = "สรุปเคส · เลขเคส " + card.case_number;
    var dl = document.createElement("dl");
    function row(k, v) {
      if (v === null || v === undefined || v === "") return;
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k; dd.textContent = v; dl.appendChild(dt); dl.appendChild(dd);
    }
    row("เลขเคส", card.case_number);
    row("ประเภท", card.scam_type_label);
    if (card.amount_thb !== null && card.amount_thb !== undefined)
      row("ยอดเงิน", Number(card.amount_thb).toLocaleString("th-TH", { minimumFractionDigits: 2 }) + " บาท");
    row("บัญชีปลายทาง", card.destination);
    row("ความเร่งด่วน", ({ P0: "ด่วนที่สุด (P0)", P1: "ด่วน (P1)", P2: "ทั่วไป (P2)" })[card.priority] || card.priority);
    row("แจ้งความภายใน", card.deadline_text);
    row("สถานะ", card.status_text);
    el.appendChild(h); el.appendChild(dl);
    return el;
  }

  function clearQuick() {
    var old = log.querySelectorAll(".quick");
    for (var i = 0; i < old.length; i++) old[i].remove();
  }

  function renderQuick(replies, session) {
    var box = document.createElement("div");
    box.className = "quick"; box.setAttribute("role", "group"); box.setAttribute("aria-label", "ตัวเลือก");
    replies.forEach(function (q) {
      var b = document.createElement("button"); b.type = "button"; b.textContent = q.label;
      b.addEventListener("click", function () {
        clearQuick();
        sendFrame({ type: "postback", payload: q.payload, label: q.label, session_id: session || sessionId, client_id: uid() });
        input.focus();
      });
      box.appendChild(b);
    });
    return box;
  }

  function render(m) {
    if (!m || !m.id || seen[m.id]) return;
    if (m.channel_message_id && pending[m.channel_message_id]) {
      var p = pending[m.channel_message_id]; if (p.el) p.el.remove();
      delete pending[m.channel_message_id];
    }
    var payload = m.payload || {};
    var inbound = m.direction === "inbound";
    var atts = m.attachments || [];
    if (inbound && !atts.length && (!m.text || m.text.charAt(0) === "/")) { seen[m.id] = true; return; }
    var wrap = document.createDocumentFragment();
    if (payload.card) wrap.appendChild(renderCard(payload.card));
    var text = m.text;
    if (payload.card && text && text.indexOf("เลขเคส " + payload.card.case_number) === 0) text = null;
    if (text || atts.length || !payload.card) {
      var el = document.createElement("div");
      var who = inbound ? "user" : (m.sender_kind || "bot");
      el.className = "msg " + who;
      var label = document.createElement("span"); label.className = "who";
      label.textContent = inbound ? "คุณ" : who === "staff" ? "เจ้าหน้าที่" : who === "system" ? "ระบบ" : "สกัด";
      if (inbound) label.className = "sr";
      el.appendChild(label);
      if (text) linkify(el, text);
      atts.forEach(function (a) {
        var t = document.createElement("div");
        t.textContent = "[แนบ] " + (a.kind === "image" ? "ส่งรูปภาพแล้ว" : ((a.meta && a.meta.file_name) || "ส่งไฟล์แล้ว")) +
          (a.slip_qr ? " (อ่าน QR บนสลิปได้)" : "");
        el.appendChild(t);
      });
      wrap.appendChild(el);
    }
    // Choices stay until the user answers (or newer choices arrive).
    if (inbound) clearQuick();
    else if (payload.quick_replies && payload.quick_replies.length) { clearQuick(); wrap.appendChild(renderQuick(payload.quick_replies, payload.session_id)); }
    var anchor = document.createElement("span"); anchor.setAttribute("data-id", m.id); anchor.hidden = true;
    wrap.insertBefore(anchor, wrap.firstChild);
    log.appendChild(wrap);
    seen[m.id] = anchor;
    log.scrollTop = log.scrollHeight;
  }

  function showPending(clientId, text) {
    var el = document.createElement("div");
    el.className = "msg user pending"; el.textContent = text;
    el.setAttribute("aria-label", "กำลังส่ง: " + text);
    log.appendChild(el); log.scrollTop = log.scrollHeight;
    return el;
  }

  function sendFrame(frame) {
    var text = frame.type === "postback" ? frame.label : frame.text;
    pending[frame.client_id] = { frame: frame, el: showPending(frame.client_id, text) };
    if (connected) ws.send(JSON.stringify(frame));
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendFrame({ type: "message", text: text, client_id: uid() });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file) return;
    var clientId = uid();
    var el = showPending(clientId, "กำลังส่งไฟล์ " + file.name + "…");
    pending[clientId] = { frame: null, el: el };
    var data = new FormData();
    data.append("visitor", visitor); data.append("client_id", clientId); data.append("file", file);
    fetch(base + "/web/upload", { method: "POST", body: data }).then(function (r) {
      if (!r.ok) return r.json().then(function (j) { throw new Error(j.detail || r.status); });
    }).catch(function (err) {
      el.textContent = "ส่งไฟล์ไม่สำเร็จ: " + err.message; el.classList.remove("pending");
      delete pending[clientId];
    });
    fileInput.value = "";
  });

  function connect() {
    ws = new WebSocket(wsBase + "/web/ws");
    ws.onopen = function () { retry = 0; ws.send(JSON.stringify({ type: "hello", visitor: visitor })); };
    ws.onmessage = function (event) {
      var data; try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "hello") {
        connected = true; connBox.hidden = true;
        sessionId = data.session_id; setState(data.handoff_state);
        (data.history || []).forEach(render);
        Object.keys(pending).forEach(function (id) {
          if (pending[id].frame) ws.send(JSON.stringify(pending[id].frame));
        });
      } else if (data.type === "message") { render(data.message); }
      else if (data.type === "handoff") { setState(data.state); }
      else if (data.type === "typing") { typingBox.textContent = data.on ? "สกัดกำลังพิมพ์…" : ""; }
      else if (data.type === "error" && data.client_id && pending[data.client_id]) {
        // sent too fast: the server did not store it; send the same frame again a bit later
        var later = pending[data.client_id];
        setTimeout(function () { if (connected && later.frame && pending[data.client_id]) ws.send(JSON.stringify(later.frame)); },
                   1000 * (data.retry_after || 10));
      }
    };
    ws.onclose = function () {
      connected = false; typingBox.textContent = "";
      connBox.textContent = "ขาดการเชื่อมต่อ กำลังเชื่อมต่อใหม่… ข้อความที่พิมพ์ไว้จะถูกส่งเมื่อเชื่อมต่อได้";
      connBox.hidden = false;
      var delay = Math.min(8000, 500 * Math.pow(2, retry++));
      setTimeout(connect, delay);
    };
  }

  function mount() {
    document.body.appendChild(host);
    if (startOpen || store("localStorage", OPEN) === "1") open(false);
    else if (store("localStorage", STARTED) === "1") connect();
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  window.SakotWidget = { open: open, close: close };
})();
