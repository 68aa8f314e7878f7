// Cadenza operations dashboard: plain JS, no build step, no third-party code.
// Signs in through the API, keeps the access token in sessionStorage (this tab only), and polls
// the admin API every 2 s. Every value from the server is written with textContent, never as HTML.
"use strict";

(() => {
  const TOKEN_KEY = "cadenza.ops.access_token";
  const POLL_MS = 2000;
  const FAILURES_SHOWN = 20;
  const $ = (id) => document.getElementById(id);

  const retried = new Map(); // job id -> latest job body, for the "Retried jobs" table
  const retrying = new Set(); // job ids whose retry request is on its way
  let timer = null;
  let polling = false;

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.detail) || `HTTP ${status}`);
      this.status = status;
      this.code = (body && body.error_code) || "";
    }
  }

  async function api(path, { method = "GET", body, token = sessionStorage.getItem(TOKEN_KEY) } = {}) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch { data = null; }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  // ------------------------------------------------------------------ rendering helpers
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function fill(tbody, rows, columns, emptyText) {
    const fresh = rows.length ? rows : [null];
    tbody.replaceChildren(...fresh.map((row) => {
      if (row === null) {
        const tr = el("tr");
        const td = el("td", emptyText, "empty");
        td.colSpan = columns;
        tr.append(td);
        return tr;
      }
      return row;
    }));
  }

  const seconds = (value) => (value === null || value === undefined ? "—" : `${Number(value).toFixed(2)} s`);
  const shortId = (id) => String(id).slice(0, 8);
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");
  const failedStep = (job) => job.steps.find((s) => s.state === "failed");
  const stepsSummary = (job) => job.steps.map((s) => `${s.name}: ${s.state}`).join(", ");

  function say(text) { $("message").textContent = text; }
  function warn(text) { $("alert").textContent = text; }

  // ------------------------------------------------------------------ sections
  function renderQueues(page) {
    const rows = page.items.map((q) => {
      const tr = el("tr");
      tr.dataset.queue = q.queue;
      const name = el("th", q.queue);
      name.scope = "row";
      tr.append(name);
      for (const key of ["waiting", "delayed", "in_flight", "dead_letters", "done_last_hour", "failed_last_hour"]) {
        const td = el("td", q[key], "num");
        td.dataset.field = key;
        tr.append(td);
      }
      tr.append(el("td", seconds(q.p50_seconds), "num"), el("td", seconds(q.p95_seconds), "num"));
      return tr;
    });
    fill($("queues").tBodies[0], rows, 9, "No queues.");
  }

  function renderWorkers(page) {
    const rows = page.items.map((w) => {
      const tr = el("tr");
      tr.dataset.worker = w.worker;
      const name = el("th", w.worker, "mono");
      name.scope = "row";
      const doing = (s) => `${s.step} ${s.kind === "step" ? "of job" : "for"} ${shortId(s.job_id)}`;
      const running = w.current.length ? w.current.map(doing).join(", ") : "idle";
      tr.append(
        name,
        el("td", w.queues.join(", ")),
        el("td", running),
        el("td", `${Math.round(w.heartbeat_age_seconds)} s`, "num"),
        el("td", w.processed, "num"),
        el("td", w.stopping ? "stopping" : "alive"),
      );
      return tr;
    });
    fill($("workers").tBodies[0], rows, 6, "No worker has a live heartbeat.");
  }

  function retryButton(job) {
    const button = el("button", retrying.has(job.id) ? "Retrying…" : "Retry", "retry");
    button.type = "button";
    button.disabled = retrying.has(job.id);
    button.setAttribute("aria-label", `Retry the job of “${job.recording.title}”`);
    button.addEventListener("click", () => retry(job, button));
    return button;
  }

  function renderFailures(page) {
    $("failures-total").textContent = `(${page.total} failed)`;
    // Rows are rebuilt on every poll: keep keyboard focus on the same job's button.
    const tbody = $("failures").tBodies[0];
    const focused = tbody.contains(document.activeElement) ? document.activeElement.closest("tr").dataset.jobId : null;
    const rows = page.items.map((job) => {
      const tr = el("tr");
      tr.dataset.jobId = job.id;
      const step = failedStep(job);
      const action = el("td");
      action.append(retryButton(job));
      tr.append(
        el("td", when(job.finished_at)),
        el("td", job.recording.title),
        el("td", job.owner.username),
        el("td", job.error_code || (step && step.error_code) || "—", "mono"),
        el("td", step ? `${step.name} (${step.attempts}/${step.max_attempts} attempts)` : "—"),
        el("td", shortId(job.id), "mono"),
        action,
      );
      return tr;
    });
    fill(tbody, rows, 7, "No failed jobs.");
    const again = focused && rows.find((tr) => tr.dataset.jobId === focused);
    if (again) again.querySelector("button").focus();
  }

  function renderRetried() {
    const rows = [...retried.values()].map((job) => {
      const tr = el("tr");
      tr.dataset.jobId = job.id;
      const state = el("td", job.state, `state state-${job.state}`);
      state.dataset.field = "state";
      tr.append(el("td", shortId(job.id), "mono"), el("td", job.recording.title), state,
        el("td", stepsSummary(job)), el("td", job.error_code || "—", "mono"));
      return tr;
    });
    fill($("retried").tBodies[0], rows, 5, "Nothing retried yet.");
  }

  // ------------------------------------------------------------------ actions
  async function retry(job, button) {
    retrying.add(job.id);
    button.disabled = true;
    button.textContent = "Retrying…";
    try {
      const fresh = await api(`/api/v1/admin/jobs/${job.id}/retry`, { method: "POST" });
      retried.set(fresh.id, fresh);
      say(`The job of “${fresh.recording.title}” is queued again.`);
      renderRetried();
    } catch (error) {
      if (!handleAuthError(error)) warn(`Retry failed: ${error.message}${error.code ? ` (${error.code})` : ""}`);
    } finally {
      retrying.delete(job.id);
      refresh();
    }
  }

  async function section(promise, errorId, render) {
    try {
      render(await promise);
      $(errorId).textContent = "";
    } catch (error) {
      if (!handleAuthError(error)) $(errorId).textContent = `Not available: ${error.message}`;
    }
  }

  async function refresh() {
    if (polling || !sessionStorage.getItem(TOKEN_KEY)) return;
    polling = true;
    try {
      const followed = [...retried.keys()].map(async (id) => {
        try { retried.set(id, await api(`/api/v1/admin/jobs/${id}`)); } catch (error) { handleAuthError(error); }
      });
      await Promise.all([
        section(api("/api/v1/admin/queues"), "queues-error", renderQueues),
        section(api("/api/v1/admin/workers"), "workers-error", renderWorkers),
        section(api(`/api/v1/admin/failures?limit=${FAILURES_SHOWN}`), "failures-error", renderFailures),
        Promise.all(followed).then(renderRetried),
      ]);
      const now = new Date();
      $("updated").dateTime = now.toISOString();
      $("updated").textContent = now.toLocaleTimeString();
    } finally {
      polling = false;
    }
  }

  // ------------------------------------------------------------------ session
  function handleAuthError(error) {
    if (!(error instanceof ApiError)) return false;
    if (error.status === 401) {
      signedOut();
      warn("Your session has ended. Sign in again.");
      return true;
    }
    if (error.status === 403) {
      signedOut();
      warn("This account is not an administrator: the operations dashboard needs one.");
      return true;
    }
    return false;
  }

  function signedIn(user) {
    $("account-name").textContent = user.username;
    $("account").hidden = false;
    $("login-section").hidden = true;
    $("dashboard").hidden = false;
    warn("");
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, POLL_MS);
  }

  function signedOut() {
    clearInterval(timer);
    timer = null;
    sessionStorage.removeItem(TOKEN_KEY);
    retried.clear();
    $("account").hidden = true;
    $("dashboard").hidden = true;
    $("login-section").hidden = false;
  }

  async function signIn(event) {
    event.preventDefault();
    const form = event.target;
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    warn("");
    say("");
    try {
      const tokens = await api("/api/v1/auth/login", {
        method: "POST", token: null, body: { login: form.login.value.trim(), password: form.password.value },
      });
      const user = await api("/api/v1/users/me", { token: tokens.access_token });
      form.password.value = "";
      if (user.role !== "admin") {
        await api("/api/v1/auth/logout", { method: "POST", token: tokens.access_token }).catch(() => {});
        signedOut();
        warn(`${user.username} is not an administrator: the operations dashboard needs an administrator account.`);
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, tokens.access_token);
      signedIn(user);
    } catch (error) {
      warn(error.status === 401 ? "Wrong e-mail, username or password." : `Sign-in failed: ${error.message}`);
    } finally {
      submit.disabled = false;
    }
  }

  async function signOut() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    signedOut();
    say("Signed out.");
    if (token) await api("/api/v1/auth/logout", { method: "POST", token }).catch(() => {});
  }

  async function start() {
    $("login-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", signOut);
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      signedOut();
      return;
    }
    try {
      const user = await api("/api/v1/users/me");
      if (user.role === "admin") signedIn(user);
      else handleAuthError(new ApiError(403, null));
    } catch (error) {
      if (!handleAuthError(error)) { signedOut(); warn(`Cannot reach the API: ${error.message}`); }
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
