// The lab page: a small code editor (Tab indents, Ctrl/Cmd+Enter checks), checks and hints
// without a page reload. Without this script the forms still work: they post and reload.
"use strict";

(function labPage() {
  const INDENT = "    ";
  const ACCEPT = "text/html, application/json;q=0.5";

  /** Replace text[from, to) of a textarea, keeping the browser's undo history when it can. */
  function replaceRange(editor, from, to, text) {
    editor.focus();
    editor.setSelectionRange(from, to);
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || editor.value.slice(from, from + text.length) !== text) {
      editor.setRangeText(text, from, to, "end");
    }
  }

  /** Indent (or outdent) the selected lines; a plain Tab without a selection inserts spaces. */
  function indent(editor, outdent) {
    const value = editor.value;
    const start = editor.selectionStart;
    const end = editor.selectionEnd;
    const severalLines = value.slice(start, end).includes("\n");
    if (!outdent && !severalLines) {
      replaceRange(editor, start, end, INDENT);
      return;
    }
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    let blockEnd = end;
    if (blockEnd > start && value[blockEnd - 1] === "\n") blockEnd -= 1;
    const lineEnd = value.indexOf("\n", blockEnd);
    blockEnd = lineEnd === -1 ? value.length : lineEnd;
    const lines = value.slice(lineStart, blockEnd).split("\n");
    const changed = lines.map((line) => (outdent ? line.replace(/^ {1,4}/, "") : INDENT + line));
    const text = changed.join("\n");
    if (text === value.slice(lineStart, blockEnd)) return;
    replaceRange(editor, lineStart, blockEnd, text);
    if (severalLines) {
      editor.setSelectionRange(lineStart, lineStart + text.length);
    } else {
      const removed = lines[0].length - changed[0].length;
      const caret = Math.max(lineStart, start - removed);
      editor.setSelectionRange(caret, caret);
    }
  }

  async function errorMessage(response) {
    try {
      const body = await response.json();
      if (body && typeof body.error === "string") return body.error;
    } catch (error) {
      // not JSON: fall through to the status
    }
    return `The server answered ${response.status} ${response.statusText}.`;
  }

  function showProblem(where, message) {
    const box = document.createElement("p");
    box.className = "notice notice-error";
    box.setAttribute("role", "alert");
    box.textContent = message;
    where.replaceChildren(box);
  }

  const OFFLINE = "Could not reach the mlcamp server. Is `mlcamp start` still running?";

  function setUpEditor() {
    const form = document.getElementById("lab-editor");
    const editor = document.getElementById("code");
    if (!form || !editor) return;
    const button = document.getElementById("check-button");
    const speed = document.getElementById("speed");
    const status = document.getElementById("check-status");
    const results = document.getElementById("lab-results");
    let tabLeaves = false;
    let busy = false;

    editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      if (event.key === "Escape") {
        tabLeaves = true; // the next Tab moves focus out, as keyboard users expect
        status.textContent = "Press Tab to leave the editor.";
        return;
      }
      if (event.key === "Tab" && !event.ctrlKey && !event.metaKey && !event.altKey) {
        if (tabLeaves) {
          tabLeaves = false;
          return;
        }
        event.preventDefault();
        indent(editor, event.shiftKey);
        return;
      }
      tabLeaves = false;
    });
    editor.addEventListener("blur", () => {
      tabLeaves = false;
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      button.disabled = true;
      results.setAttribute("aria-busy", "true");
      status.textContent = "Grading in the sandbox…";
      try {
        const response = await window.mlcampPost(
          form.action,
          { code: editor.value, speed: speed ? speed.checked : true },
          ACCEPT,
        );
        if (!response.ok) {
          const message = await errorMessage(response);
          showProblem(results, message);
          status.textContent = "The check did not run.";
          return;
        }
        results.innerHTML = await response.text();
        const report = results.querySelector(".report");
        if (report) {
          status.textContent = report.dataset.headline || "Checked.";
          if (report.dataset.status === "pass") showSolutionLink();
        }
      } catch (error) {
        showProblem(results, OFFLINE);
        status.textContent = "The check did not run.";
      } finally {
        busy = false;
        button.disabled = false;
        results.removeAttribute("aria-busy");
      }
    });
  }

  function showSolutionLink() {
    const open = document.getElementById("solution-open");
    const locked = document.getElementById("solution-locked");
    const badge = document.getElementById("lab-status");
    if (open) open.hidden = false;
    if (locked) locked.hidden = true;
    if (badge) {
      badge.className = "badge badge-status-passed";
      badge.lastChild.textContent = "passed";
    }
  }

  function setUpHints() {
    const form = document.getElementById("hint-form");
    const list = document.getElementById("hint-list");
    if (!form || !list) return;
    const button = document.getElementById("hint-button");
    const status = document.getElementById("hint-status");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        const response = await window.mlcampPost(form.action, undefined, ACCEPT);
        if (!response.ok) {
          status.textContent = await errorMessage(response);
          return;
        }
        const template = document.createElement("template");
        template.innerHTML = (await response.text()).trim();
        const item = template.content.firstElementChild;
        if (!item) return;
        const number = Number(item.dataset.number);
        const total = Number(item.dataset.total);
        const existing = document.getElementById(item.id);
        if (existing) {
          existing.focus();
          status.textContent = `You have seen all ${total} hints; here is hint ${number} again.`;
        } else {
          list.append(item);
          item.focus();
          status.textContent = `Hint ${number} of ${total}.`;
        }
        button.textContent =
          number < total ? `Show hint ${number + 1} of ${total}` : "Show the last hint again";
      } catch (error) {
        status.textContent = OFFLINE;
      } finally {
        button.disabled = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpEditor();
    setUpHints();
  });
})();
