// agreementkit serve: saves each change as it is made and swaps in what the
// server sends back (the form, the findings, the draft MOU). The server decides
// everything; this only sends the form and shows the answer. Without it, the
// same forms work through their buttons.
(() => {
  "use strict";
  document.documentElement.classList.add("js");
  const csrf = (document.querySelector('meta[name="csrf"]') || {}).content || "";
  const status = document.getElementById("status");
  const form = document.getElementById("page-form");
  const frame = document.getElementById("preview");

  const setStatus = (text, kind) => {
    if (!status) return;
    status.textContent = text;
    status.className = "status " + (kind || "");
  };

  const feeds = form ? (form.dataset.feeds || "").split(" ").filter(Boolean) : [];
  const previewDoc = () => (frame && frame.contentDocument && frame.contentDocument.body ? frame.contentDocument : null);

  // Show the part of the draft this section shapes.
  const scrollToSection = () => {
    const doc = previewDoc();
    if (!doc) return;
    for (const id of feeds) {
      const target = doc.getElementById(id);
      if (target) { target.scrollIntoView({ block: "start" }); return; }
    }
  };
  if (frame) frame.addEventListener("load", scrollToSection);

  // Narrow screens show one pane at a time: the questions or the draft.
  const tabs = document.querySelectorAll(".pane-tabs [data-pane]");
  tabs.forEach((tab) => tab.addEventListener("click", () => {
    document.body.classList.toggle("show-preview", tab.dataset.pane === "preview");
    tabs.forEach((other) => other.setAttribute("aria-selected", String(other === tab)));
    if (tab.dataset.pane === "preview") scrollToSection();  // hidden until now, so never scrolled
  }));


  const setPreview = (html, note) => {
    const noteBox = document.getElementById("preview-note");
    if (noteBox) noteBox.textContent = note || "";
    const doc = previewDoc();
    if (!doc || typeof html !== "string") return;
    const before = new Map();
    doc.querySelectorAll(".clause[id], section[id] > h2").forEach((el) => before.set(el.id || el.parentElement.id + ":h", el.textContent));
    doc.body.innerHTML = html;
    const changed = [...doc.querySelectorAll(".clause[id]")].filter((el) => before.has(el.id) ? before.get(el.id) !== el.textContent : before.size > 0);
    changed.forEach((el) => el.classList.add("ak-changed"));
    setTimeout(() => changed.forEach((el) => el.classList.remove("ak-changed")), 2000);
    if (changed.length) {
      const box = changed[0].getBoundingClientRect();
      const height = frame.contentWindow.innerHeight;
      if (box.top < 0 || box.top > height - 40) changed[0].scrollIntoView({ block: "center" });
    }
  };

  if (!form) return;

  // getAttribute: the form's buttons named "action" hide the form's own `action` property.
  const saveURL = form.getAttribute("action") + "/save";
  const touched = new Set();
  let version = form.elements.version.value;
  let timer = null;
  let busy = false;
  let again = null; // a save asked for while one was on its way (its action, or "")
  let editedMeanwhile = new Set();

  // Whether every change has reached the server (for people: the status line; for tests: this).
  window.agreementkitIdle = () => timer === null && !busy && again === null;

  const keyOf = (el) => (el && el.name ? (el.name.startsWith("list:") ? el.name.slice(5) : el.name) : "");
  const ignored = new Set(["csrf", "version", "touched", "nav", "action"]);

  // An answer longer than its field takes is refused here, beside the field, and never sent:
  // nothing of it reaches the draft. The limit is the server's (data-max-length).
  const oversized = new Set();
  const fieldOf = (el) => (el && el.closest ? el.closest(".field") : null);
  const refuseLength = (el) => {
    const max = Number(el.dataset && el.dataset.maxLength ? el.dataset.maxLength : 0);
    const box = fieldOf(el);
    if (!max || !box || typeof el.value !== "string") return false;
    const long = el.value.length > max;
    const mine = box.querySelector(".error.too-long");
    if (long) {
      oversized.add(el.name);
      const text = "This answer is " + el.value.length.toLocaleString("en-GB") + " characters long; the most it may be is "
        + max.toLocaleString("en-GB") + " characters. Shorten it: it is not saved until then.";
      const message = mine || document.createElement("p");
      message.className = "error too-long";
      message.id = (el.id || "field") + "-error";
      message.setAttribute("role", "alert");
      message.textContent = text;
      if (!mine) box.insertBefore(message, box.querySelector("details.help"));
      box.classList.add("invalid");
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", message.id);
    } else if (oversized.delete(el.name) && mine) {
      mine.remove();
      if (!box.querySelector(".error")) { box.classList.remove("invalid"); el.removeAttribute("aria-invalid"); el.removeAttribute("aria-describedby"); }
    }
    return long;
  };

  // How long the page waits after the last keystroke before saving (and updating the draft).
  const SAVE_DELAY = 250;
  window.agreementkitSaveDelay = SAVE_DELAY;

  const changed = (el, delay) => {
    const key = keyOf(el);
    if (!key || ignored.has(key) || key.startsWith("many:")) return;
    if (refuseLength(el)) { setStatus("Not saved: an answer is too long", "bad"); return; }
    touched.add(key);
    if (busy) editedMeanwhile.add(el.name);
    setStatus("Saving…", "busy");
    clearTimeout(timer);
    timer = setTimeout(() => save(""), delay);
  };
  form.addEventListener("input", (event) => changed(event.target, SAVE_DELAY));
  form.addEventListener("change", (event) => changed(event.target, 150));

  // Each tab has its own id for as long as it lives (reloads included), so the
  // server can tell another tab's change from this tab's own.
  const tab = (() => {
    try {
      let id = sessionStorage.getItem("agreementkit-tab");
      if (!id) { id = Math.random().toString(36).slice(2) + Date.now().toString(36); sessionStorage.setItem("agreementkit-tab", id); }
      return id;
    } catch (e) { return ""; }
  })();

  const body = (action) => {
    const data = new FormData(form);
    oversized.forEach((name) => data.delete(name));
    data.set("tab", tab);
    data.set("touched", [...touched].join("\n"));
    data.set("version", version);
    if (action) data.set("action", action);
    return data;
  };

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    if (button.dataset.move) {
      event.preventDefault();
      const item = button.closest("li");
      const other = button.dataset.move === "up" ? item.previousElementSibling : item.nextElementSibling;
      if (!other) return;
      if (button.dataset.move === "up") item.parentNode.insertBefore(item, other);
      else item.parentNode.insertBefore(other, item);
      button.focus();
      changed(item.querySelector("input"), 150);
    } else if (button.name === "action") {
      event.preventDefault();
      clearTimeout(timer);
      save(button.value);
    }
  });

  form.addEventListener("submit", () => {
    clearTimeout(timer);
    timer = null;
    form.elements.touched.value = [...touched].join("\n");
    form.elements.version.value = version;
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = "tab";
    field.value = tab;
    form.appendChild(field);
  });

  // Leaving or reloading with a change not yet sent: send it on the way out, and
  // keep it for this tab too, since the reloaded page may be asked for before the
  // server has read it.
  const pendingKey = "agreementkit-pending:" + window.location.pathname;
  window.addEventListener("pagehide", () => {
    if (timer === null && !busy) return;
    clearTimeout(timer);
    timer = null;
    const data = body("");
    navigator.sendBeacon(saveURL, data);
    const values = [...data.entries()].filter(([name]) => touched.has(name.startsWith("list:") ? name.slice(5) : name));
    try { sessionStorage.setItem(pendingKey, JSON.stringify({ touched: [...touched], values })); } catch (e) { /* storage off */ }
  });
  const pending = (() => {
    try { const text = sessionStorage.getItem(pendingKey); sessionStorage.removeItem(pendingKey); return text && JSON.parse(text); } catch (e) { return null; }
  })();

  const showMessages = (refused, notice) => {
    const box = document.getElementById("messages");
    box.replaceChildren();
    const add = (text, kind) => {
      if (!text) return;
      const p = document.createElement("p");
      p.className = kind;
      p.textContent = text + " ";
      if (kind === "refused") {
        p.setAttribute("role", "alert");
        const reload = document.createElement("a");
        reload.href = window.location.pathname;
        reload.textContent = "Reload";
        p.appendChild(reload);
      }
      box.appendChild(p);
    };
    add(refused, "refused");
    add(notice, "notice");
  };

  // The server sends the whole form back; fields whose HTML did not change, and
  // the one being typed in, keep their element, so typing is never interrupted.
  const fieldsBox = document.getElementById("fields");
  const lastHTML = new Map();
  const remember = (root) => root.querySelectorAll(".field").forEach((f) => lastHTML.set(f.dataset.key, f.outerHTML));
  remember(fieldsBox);

  if (pending) {
    const given = new Map();
    pending.values.forEach(([name, value]) => given.set(name, [...(given.get(name) || []), value]));
    given.forEach((values, name) => {
      [...form.elements].filter((el) => el.name === name).forEach((el) => {
        if (el.type === "checkbox" || el.type === "radio") el.checked = values.includes(el.value);
        else el.value = values[values.length - 1];
      });
    });
    pending.touched.forEach((key) => touched.add(key));
    setStatus("Saving…", "busy");
    timer = setTimeout(() => save(""), 0);
  }

  const fieldKey = (el) => (el && el.closest ? (el.closest(".field") || {}).dataset : null);
  const typing = (el) => Boolean(el) && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT"
    && !["radio", "checkbox", "button", "submit", "hidden"].includes(el.type)));

  // A field's message, brought up to date without replacing the field (its focus and typing stay).
  const clearError = (box) => {
    box.classList.remove("invalid");
    box.querySelectorAll(".error:not(.too-long)").forEach((e) => e.remove());
    if (!box.querySelector(".error")) {
      box.querySelectorAll("[aria-invalid]").forEach((e) => { e.removeAttribute("aria-invalid"); e.removeAttribute("aria-describedby"); });
    } else box.classList.add("invalid");
  };
  const showError = (box, incoming) => {
    box.classList.add("invalid");
    const message = incoming.querySelector(".error");
    const current = box.querySelector(".error:not(.too-long)");
    if (message && (!current || current.textContent !== message.textContent)) {
      if (current) current.remove();
      box.insertBefore(message.cloneNode(true), box.querySelector("details.help"));
    } else if (!message && current) current.remove();
    incoming.querySelectorAll("[aria-invalid]").forEach((control) => {
      const same = [...box.querySelectorAll('[name="' + CSS.escape(control.name) + '"]')].find((c) => c.value === control.value) ||
        box.querySelector('[name="' + CSS.escape(control.name) + '"]');
      if (same) { same.setAttribute("aria-invalid", "true"); same.setAttribute("aria-describedby", control.getAttribute("aria-describedby") || ""); }
    });
  };
  // A new message for the answer being typed waits until the person leaves that box (Tab, a click
  // elsewhere), then stays until the answer is right.
  const waiting = new Map();
  form.addEventListener("focusout", (event) => {
    const box = fieldOf(event.target);
    const key = box ? box.dataset.key : null;
    if (key && waiting.has(key) && typing(event.target)) { showError(box, waiting.get(key)); waiting.delete(key); }
  });

  const apply = (reply, structural) => {
    showMessages(reply.refused, reply.notice);
    if (reply.refused) { setStatus("Not saved", "bad"); return; }
    version = String(reply.version);
    form.elements.version.value = version;
    const active = document.activeElement;
    const activeKey = !structural && active && fieldsBox.contains(active) ? (fieldKey(active) || {}).key : null;
    const typingKey = activeKey && typing(active) ? activeKey : null;
    const selection = activeKey && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    const meanwhile = new Set([...editedMeanwhile].map((name) => (name.startsWith("list:") ? name.slice(5) : name)));
    const busyKeys = new Set(meanwhile);
    if (activeKey) busyKeys.add(activeKey);
    oversized.forEach((name) => busyKeys.add(name.startsWith("list:") ? name.slice(5) : name));
    const fresh = document.createElement("div");
    fresh.innerHTML = reply.form;
    fresh.querySelectorAll(".field").forEach((incoming) => {
      const key = incoming.dataset.key;
      const html = incoming.outerHTML;
      const old = fieldsBox.querySelector('.field[data-key="' + CSS.escape(key) + '"]');
      if (old && (busyKeys.has(key) || lastHTML.get(key) === html)) {
        if (!meanwhile.has(key)) {
          if (!incoming.classList.contains("invalid")) { clearError(old); waiting.delete(key); }  // right now: the message goes at once
          else if (key === typingKey && !old.classList.contains("invalid")) waiting.set(key, incoming.cloneNode(true));
          else showError(old, incoming);  // shown, or kept, until the answer is right
        }
        incoming.replaceWith(old);
      }
      if (!busyKeys.has(key)) lastHTML.set(key, html);
    });
    fieldsBox.replaceChildren(...fresh.childNodes);
    if (activeKey && document.activeElement !== active && fieldsBox.contains(active)) {
      active.focus({ preventScroll: true });
      if (selection) { try { active.setSelectionRange(selection[0], selection[1]); } catch (e) { /* not a text field */ } }
    }
    document.getElementById("problems").innerHTML = reply.problems;
    document.getElementById("findings").innerHTML = reply.findings;
    setPreview(reply.preview, reply.preview_note);
    setStatus("Saved", "ok");
  };

  const save = async (action) => {
    timer = null;
    if (busy) { again = again && !action ? again : action; return; }
    busy = true;
    editedMeanwhile = new Set();
    try {
      const response = await fetch(saveURL, {
        method: "POST", body: body(action), credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
      });
      const reply = await response.json();
      if (!response.ok && !reply.refused) throw new Error(reply.error || response.statusText);
      busy = false;
      apply(reply, Boolean(action));
    } catch (error) {
      busy = false;
      setStatus("Not saved: " + error.message, "bad");
    }
    if (again !== null) { const next = again; again = null; save(next); }
  };
})();
