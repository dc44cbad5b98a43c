// Staff console behaviour: CSRF-protected actions, live updates over WebSocket.
const Console = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  async function post(url, data) {
    const body = new URLSearchParams(data || {});
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" },
    });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) {}
      alert(detail);
      throw new Error(detail);
    }
    return response.json();
  }

  function bindActions(root) {
    root.querySelectorAll(".js-action").forEach((button) => button.addEventListener("click", async () => {
      await post(button.dataset.url);
      if (button.dataset.then) location.href = button.dataset.then; else location.reload();
    }));
    root.querySelectorAll(".js-form").forEach((form) => form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await post(form.dataset.url, new FormData(form));
      if (form.dataset.reset) form.reset(); else location.reload();
    }));
    root.querySelectorAll(".js-canned").forEach((button) => button.addEventListener("click", () => {
      const box = document.getElementById("staff-text");
      box.value = button.dataset.text; box.focus();
    }));
    root.querySelectorAll(".js-reveal").forEach((button) => button.addEventListener("click", async () => {
      const reason = prompt(button.dataset.prompt);
      if (!reason) return;
      const result = await post(button.dataset.url, { reason });
      button.closest("tr").querySelector(".value").textContent = result.value;
    }));
    root.querySelectorAll(".js-correct").forEach((button) => button.addEventListener("click", async () => {
      const value = prompt("value");
      if (!value) return;
      await post(button.dataset.url, { value });
      location.reload();
    }));
  }

  // Events published while the socket is closed (between page render and connect, or during a
  // reconnect) are not replayed, so `onOpen` re-reads the server's state on every connect.
  function socket(query, onEvent, onOpen) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    let delay = 1000;
    const open = () => {
      const ws = new WebSocket(`${scheme}://${location.host}/console/ws${query}`);
      ws.onmessage = (message) => onEvent(JSON.parse(message.data));
      ws.onopen = () => { delay = 1000; onOpen(); };
      ws.onclose = () => { setTimeout(open, delay); delay = Math.min(delay * 2, 15000); };
    };
    open();
  }

  function appendMessage(list, m) {
    if (list.querySelector(`[data-id="${m.id}"]`)) return;  // no duplicates after reconnects
    const item = document.createElement("li");
    item.className = `msg ${m.sender || m.sender_kind}`;
    item.dataset.id = m.id;
    const meta = document.createElement("span");
    meta.className = "meta";
    const labels = JSON.parse(list.dataset.labels || "{}");
    const sender = m.sender || m.sender_kind;
    meta.textContent = `${labels[sender] || sender} · ${(m.created_at || "").slice(11, 16)}`;
    const text = document.createElement("div");
    text.className = "text";
    text.textContent = m.text || "";
    item.append(meta, text);
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  async function getJSON(url) {
    const response = await fetch(url, {
      credentials: "same-origin", headers: { "Accept": "application/json" },
    });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  function watchConversation(conversationId) {
    const list = document.getElementById("messages");
    const shown = document.getElementById("handoff-state").dataset.sync;
    list.scrollTop = list.scrollHeight;
    // The live event carries only masked text; the page shows the server's transcript view.
    const sync = async () => {
      const view = await getJSON(`/console/api/c/${conversationId}`);
      if (`${view.state}:${view.assigned_staff_id || ""}` !== shown) return location.reload();
      view.messages.forEach((m) => appendMessage(list, m));
    };
    socket(`?conversation=${encodeURIComponent(conversationId)}`, (event) => {
      if (event.type === "message_stored") sync();
      else if (event.type === "handoff_changed" || event.type === "case_updated") location.reload();
    }, sync);
  }

  function watchQueue() {
    const shown = Array.from(document.querySelectorAll("#queue tbody tr"),
                             (row) => row.dataset.sync);
    const sync = async () => {
      const rows = await getJSON("/console/api/queue");
      const now = rows.map((r) => `${r.conversation_id}:${r.state}:${r.owner_id || ""}`);
      if (now.sort().join() !== shown.sort().join()) location.reload();
    };
    socket("", (event) => {
      if (["handoff_changed", "case_updated"].includes(event.type) ||
          (event.type === "message_stored" && event.data && event.data.direction === "inbound")) {
        clearTimeout(watchQueue.timer);
        watchQueue.timer = setTimeout(() => location.reload(), 400);
      }
    }, sync);
    setInterval(() => location.reload(), 30000);  // SLA timers move even without events
  }

  // No inline scripts (the pages' CSP allows only this file): each page says what it is.
  document.addEventListener("DOMContentLoaded", () => {
    bindActions(document);
    const conversation = document.getElementById("conversation");
    if (conversation) watchConversation(conversation.dataset.conversation);
    else if (document.getElementById("queue")) watchQueue();
  });
  return { watchConversation, watchQueue, post };
})();
