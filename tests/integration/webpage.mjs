// Runs the web chat page's own script (adapters/web/static/app.js) in Node against a running govbot,
// with a minimal stand-in for the DOM, and browser-like fetch: relative URLs, the Origin and
// Sec-Fetch-Site headers a browser adds, and the user header the portal's proxy adds.
//
// usage: node webpage.mjs BASE_URL USER STEPS_JSON   (steps: [{"type": "send", "text": "...", "files": [["a.txt", "내용"]]}])
// prints one JSON object: the fetch calls made and, after each step, what the page shows.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const [base, user, stepsJson] = process.argv.slice(2);
const steps = JSON.parse(stepsJson);
const here = path.dirname(fileURLToPath(import.meta.url));
const script = fs.readFileSync(path.join(here, "../../adapters/web/static/app.js"), "utf8");

const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

class Element {
  constructor(id) {
    this.id = id; this.children = []; this.value = ""; this.hidden = false; this.disabled = false;
    this.className = ""; this.textContent = ""; this._html = ""; this.scrollTop = 0; this.scrollHeight = 0;
  }
  get innerHTML() { return this._html; }
  set innerHTML(html) {
    this._html = html; this.children = [];
    if (this.id === "assistant") {  // a <select>: options come from the markup; value follows the first
      const first = this.options[0];
      this.value = first ? first.value : "";
    }
  }
  get options() { return [...this._html.matchAll(/<option value="([^"]*)">/g)].map((m) => ({ value: unescape(m[1]) })); }
  set value(v) {
    // A <select> keeps its old value when asked for one it has no option for, as browsers do.
    if (this.id === "assistant" && this._html && !this.options.some((o) => o.value === v)) return;
    this._value = v;
  }
  get value() { return this._value; }
  appendChild(child) { this.children.push(child); return child; }
  querySelectorAll() { return []; }
  addEventListener() {}
  focus() {}
  requestSubmit() { this.onsubmit({ preventDefault() {} }); }
}

const elements = new Map();
const document = {
  cookie: "",
  getElementById(id) { if (!elements.has(id)) elements.set(id, new Element(id)); return elements.get(id); },
  createElement() { return new Element(""); },
};
const calls = [];
async function browserFetch(url, options = {}) {
  const headers = new Headers(options.headers || {});
  const method = (options.method || "GET").toUpperCase();
  if (method !== "GET") headers.set("Origin", base);  // browsers send Origin on every POST
  headers.set("Sec-Fetch-Site", "same-origin");
  headers.set("X-Forwarded-User", user);  // the portal's reverse proxy
  const body = options.body;
  const contentType = body instanceof FormData ? "multipart/form-data" : headers.get("Content-Type") || "";
  calls.push({ method, url, contentType });
  return fetch(base + url, { ...options, headers });
}
const context = vm.createContext({
  document, fetch: browserFetch, FormData, File, Blob, Headers, TextDecoder, crypto, console,
  confirm: () => true, location: { reload() {} }, setTimeout,
});
const $ = (id) => document.getElementById(id);
const idle = async () => {
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (!$("send").disabled && $("log").children.length) return;
  }
  throw new Error("the page did not finish");
};
const shown = () => ({
  assistant: $("assistant").value,
  starters: $("starters").children.map((b) => b.textContent),
  last: (() => { const log = $("log").children; const el = log[log.length - 1]; return el ? { className: el.className, html: el.innerHTML } : null; })(),
});

vm.runInContext(script, context);
await idle();
const after = [shown()];
for (const step of steps) {
  if (step.files) $("file").onchange({ target: { files: step.files.map(([name, text]) => new File([text], name, { type: "text/plain" })) } });
  $("text").value = step.text;
  $("composer").onsubmit({ preventDefault() {} });
  await new Promise((r) => setTimeout(r, 20));
  await idle();
  await new Promise((r) => setTimeout(r, 300));  // the menu may fetch the assistant list after a reply
  after.push(shown());
}
process.stdout.write(JSON.stringify({ calls, after }));
