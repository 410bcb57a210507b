// govbot web chat: plain JavaScript, no build step, no external requests.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { thread: newThreadId(), session: null, files: [] };

function newThreadId() { return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/-/g, ""); }

function escapeHtml(s) { return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

// Replies arrive as safe HTML made by the server from the parsed Markdown (adapters/web/html.py). Text that has
// not been through it (the user's own, a streaming preview, an error) is shown escaped, line breaks kept.
function plainHtml(src) {
  return String(src || "").split(/\n{2,}/).filter((p) => p.trim()).map((p) => "<p>" + escapeHtml(p).replace(/\n/g, "<br>") + "</p>").join("");
}

function addMessage(kind, text) {
  const el = document.createElement("div");
  el.className = "msg " + kind;
  el.innerHTML = kind === "user" ? "<p>" + escapeHtml(text).replace(/\n/g, "<br>") + "</p>" : plainHtml(text);
  $("log").appendChild(el);
  $("log").scrollTop = $("log").scrollHeight;
  return el;
}

function renderReply(el, reply) {
  el.className = "msg bot " + reply.kind;
  // The menu shows the conversation's assistant: it follows `/use` (thread_assistant), not a one-off "@이름" answer.
  if (reply.thread_assistant) selectAssistant(reply.thread_assistant);
  let html = reply.assistant ? '<div class="who-line">' + escapeHtml(reply.assistant) + "</div>" : "";
  const sections = reply.parts.filter((p) => p.type === "section");
  html += sections.length ? "" : reply.html;
  for (const part of reply.parts) {
    if (part.type === "section") html += '<div class="section"><h4>' + escapeHtml(part.heading) + "</h4>" + part.html + "</div>";
    if (part.type === "table") {
      html += (part.title ? "<h4>" + escapeHtml(part.title) + "</h4>" : "") + "<table><thead><tr>" + part.columns.map((c) => "<th>" + escapeHtml(c) + "</th>").join("") + "</tr></thead><tbody>"
        + part.rows.map((r) => "<tr>" + r.map((c) => "<td>" + escapeHtml(String(c)) + "</td>").join("") + "</tr>").join("") + "</tbody></table>";
    }
    if (part.type === "file") html += '<a class="file" href="' + part.url + '" download>📄 ' + escapeHtml(part.title) + " 내려받기</a>";
  }
  if (reply.sources && reply.sources.length) html += '<div class="sources"><strong>출처 / Sources</strong><ul>' + reply.sources.map((s) => "<li>" + escapeHtml(s) + "</li>").join("") + "</ul></div>";
  if (reply.notice) html += '<div class="notice">' + escapeHtml(reply.notice) + "</div>";
  el.innerHTML = html;
  for (const part of reply.parts.filter((p) => p.type === "buttons")) {
    const bar = document.createElement("div");
    bar.className = "actions";
    for (const b of part.buttons) {
      const btn = document.createElement("button");
      btn.textContent = b.label;
      if (b.style) btn.className = b.style;
      btn.onclick = () => sendAction(b, bar);
      bar.appendChild(btn);
    }
    el.appendChild(bar);
  }
}

async function sendAction(button, bar) {
  if (button.confirm && !confirm(button.confirm)) return;
  const res = await fetch("/api/action", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ action: button.action, value: button.value, thread: state.thread }) });
  const data = await res.json();
  if (button.action === "feedback") bar.querySelectorAll("button").forEach((b) => (b.disabled = true));
  if (data.reply) renderReply(addMessage("bot", ""), data.reply);
}

async function send(text) {
  if (!text.trim() && !state.files.length) return;
  addMessage("user", text + (state.files.length ? "\n📎 " + state.files.map((f) => f.name).join(", ") : ""));
  // JSON unless files are attached (the server refuses other types, and multipart only same-origin: CSRF).
  let body, headers = {};
  if (state.files.length) {
    body = new FormData();
    body.append("text", text);
    body.append("thread", state.thread);
    for (const f of state.files) body.append("file", f, f.name);
  } else {
    body = JSON.stringify({ text: text, thread: state.thread });
    headers = { "Content-Type": "application/json" };
  }
  state.files = []; $("files").textContent = ""; $("file").value = "";
  const el = addMessage("bot", "");
  el.innerHTML = '<span class="progress">작성 중…</span>';
  $("send").disabled = true;
  try {
    const res = await fetch("/api/chat", { method: "POST", headers: headers, body: body });
    if (!res.ok) { const err = await res.json().catch(() => ({})); el.className = "msg bot error"; el.innerHTML = plainHtml(err.message || "요청을 처리할 수 없습니다."); return; }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", streamed = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (event.type === "delta") { streamed += event.text; el.innerHTML = plainHtml(streamed); }
        if (event.type === "progress") el.innerHTML = plainHtml(streamed) + '<span class="progress">' + escapeHtml(event.text) + "</span>";
        if (event.type === "reply") renderReply(el, event.reply);
      }
      $("log").scrollTop = $("log").scrollHeight;
    }
  } catch (e) {
    el.className = "msg bot error"; el.textContent = "연결이 끊어졌습니다. 다시 시도해 주세요. (" + e + ")";
  } finally { $("send").disabled = false; }
}

function fillAssistants(assistants) {
  $("assistant").innerHTML = assistants.map((a) => '<option value="' + escapeHtml(a.name) + '">' + escapeHtml(a.name) + "</option>").join("");
}

// Show `name` as the conversation's assistant; one published after the page loaded is fetched first.
async function selectAssistant(name) {
  if (![...$("assistant").options].some((o) => o.value === name)) {
    const s = await (await fetch("/api/session")).json();
    if (s.assistants) { state.session.assistants = s.assistants; fillAssistants(s.assistants); }
  }
  $("assistant").value = name;
  showStarters();
}

// The starter questions of the assistant this conversation uses.
function showStarters() {
  const current = (state.session.assistants || []).find((a) => a.name === $("assistant").value);
  $("starters").innerHTML = "";
  for (const q of (current ? current.starters : []).slice(0, 4)) {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = q;
    b.onclick = () => { $("text").value = q; $("text").focus(); };
    $("starters").appendChild(b);
  }
}

async function loadSession() {
  const s = await (await fetch("/api/session")).json();
  state.session = s;
  $("org").textContent = s.organisation;
  $("offline").hidden = !s.offline;
  if (!s.user) {
    if (s.dev_login) {
      $("picker").hidden = false;
      $("dev-user").innerHTML = s.members.map((m) => '<option value="' + escapeHtml(m.user) + '">' + escapeHtml(m.name + " · " + m.department) + "</option>").join("");
    } else addMessage("bot error", "로그인 정보가 없습니다. 행정포털을 통해 접속해 주세요.");
    return;
  }
  if (!s.user.registered) { addMessage("bot error", "govbot에 등록되지 않은 사용자입니다. 소속 부서 관리자에게 등록을 요청하세요."); return; }
  $("who").textContent = s.user.name + " · " + s.user.department;
  fillAssistants(s.assistants);
  $("assistant").value = s.default_assistant;
  $("assistant").onchange = () => send("/use " + $("assistant").value);
  showStarters();
  addMessage("bot", "안녕하세요, **" + s.user.name + "**님. 무엇을 도와드릴까요? `/help`로 사용법을 볼 수 있습니다.");
}

$("dev-login").onclick = () => { document.cookie = "govbot_dev_user=" + encodeURIComponent($("dev-user").value) + "; path=/; SameSite=Strict"; location.reload(); };
$("new-thread").onclick = () => { state.thread = newThreadId(); $("log").innerHTML = ""; if (state.session && state.session.default_assistant) { $("assistant").value = state.session.default_assistant; showStarters(); } addMessage("bot", "새 대화를 시작합니다."); };
$("file").onchange = (e) => { state.files = Array.from(e.target.files); $("files").textContent = state.files.map((f) => f.name).join(", "); };
$("composer").onsubmit = (e) => { e.preventDefault(); const t = $("text").value; $("text").value = ""; send(t); };
$("text").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); } });
loadSession();
