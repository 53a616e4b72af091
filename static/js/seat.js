// The candidate's exam page on a seat computer (docs/decisions/0017). The seat's cookie goes
// with every call by itself; the candidate's token is kept per seat so that a reload resumes.
// Every answer is queued in localStorage until the server acknowledges it, so that a network
// cut loses nothing; the clock shown is the server's deadline, never the local one.
"use strict";

(() => {
  const body = document.body;
  const api = body.dataset.api;
  const seatId = body.dataset.seatId;
  const csrfToken = body.dataset.csrfToken;
  const tokenKey = `peikao.exam.token.${seatId}`;
  const POLL_WAITING_MS = 3000;
  const POLL_EXAM_MS = 5000;
  const HEARTBEAT_MS = 20000;
  const LONGEST_RETRY_MS = 15000;
  const TRUE_FALSE = ["对（正确）", "错（错误）"];
  const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const TYPE_NAMES = { true_false: "判断题", single_choice: "单选题", multiple_choice: "多选题" };

  const $ = (id) => document.getElementById(id);
  const state = {
    token: localStorage.getItem(tokenKey),
    attempt: null,
    questions: [],
    current: 0,
    offsetMs: 0, // server time − local time, from the last answer
    deadlineMs: null,
    frozenSeconds: null, // the time left while paused
    sending: false,
    retryMs: 1000,
    retryTimer: null,
    pollTimer: null,
    submitting: false,
    timeUp: false,
    shownStatus: null,
    mine: new Map(), // position → this page's latest answer {choice, sequence}
  };

  // ------------------------------------------------------------------ the server

  class NetworkError extends Error {}

  async function call(method, path, payload) {
    const headers = { "X-CSRFToken": csrfToken, Accept: "application/json" };
    if (state.token) headers["X-Exam-Token"] = state.token;
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(api + path, {
        method,
        headers,
        credentials: "same-origin",
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
    } catch (error) {
      throw new NetworkError(String(error));
    }
    if (response.status >= 500) throw new NetworkError(`HTTP ${response.status}`);
    const data = await response.json().catch(() => ({}));
    if (data.server_time) resync(data);
    return { status: response.status, ok: response.ok, data };
  }

  function refusal(data) {
    return data.detail || "操作未能完成，请联系监考员。";
  }

  function resync(data) {
    state.offsetMs = Date.parse(data.server_time) - Date.now();
    if (data.deadline) state.deadlineMs = Date.parse(data.deadline);
    if (data.seconds_left !== undefined && data.seconds_left !== null) {
      state.frozenSeconds = data.seconds_left;
    }
  }

  // ------------------------------------------------------------------ screens

  const SCREENS = ["screen-sign-in", "screen-waiting", "screen-exam", "screen-done", "screen-ended"];

  function show(screen) {
    for (const id of SCREENS) $(id).hidden = id !== screen;
  }

  function notice(text) {
    $("server-notice").textContent = text;
    $("server-notice").hidden = !text;
  }

  function poll(ms) {
    clearTimeout(state.pollTimer);
    state.pollTimer = setTimeout(refresh, ms);
  }

  // The poll asks for the status only; the paper is loaded once, when the page has none.
  async function refresh() {
    if (!state.token) return showSignIn();
    let answer;
    try {
      answer = await call("GET", "/seat/attempt/status");
      if (answer.ok && needsPaper(answer.data)) answer = await call("GET", "/seat/attempt");
    } catch {
      return poll(POLL_EXAM_MS);
    }
    if (answer.ok) return render(withPaper(answer.data));
    if (answer.status === 403 || answer.status === 404 || answer.status === 401) {
      // The token expired, or the candidate was moved to another seat.
      forgetToken();
      return showSignIn(refusal(answer.data));
    }
    poll(POLL_EXAM_MS);
  }

  function loadedPaper(attemptId) {
    const loaded = state.attempt && state.attempt.id === attemptId && state.attempt.questions;
    return loaded && loaded.length ? loaded : null;
  }

  function needsPaper(status) {
    const answering = status.status === "active" || status.status === "paused";
    return answering && !loadedPaper(status.id);
  }

  // A status keeps the paper loaded before (this page's own answers are merged in render).
  function withPaper(attempt) {
    if (attempt.questions) return attempt;
    return { ...attempt, questions: loadedPaper(attempt.id) || [] };
  }

  function forgetToken() {
    state.token = null;
    localStorage.removeItem(tokenKey);
  }

  function showSignIn(message) {
    show("screen-sign-in");
    $("sign-in-error").textContent = message || "";
    $("sign-in-error").hidden = !message;
    $("ticket-number").focus();
  }

  function render(attempt) {
    if (!state.attempt || state.attempt.id !== attempt.id) state.mine = new Map();
    state.attempt = attempt;
    resync(attempt); // the sign-in's answer carries the attempt inside it
    const status = attempt.status;
    if (status === "checked_in" || status === "authorized") return showWaiting(attempt);
    if (status === "active" || status === "paused") return showExam(attempt);
    if (status === "submitted" || status === "scored") return showDone(attempt);
    show("screen-ended");
    $("ended-text").textContent = `您的理论考试${attempt.status_name}。如有疑问，请联系监考员。`;
  }

  function showWaiting(attempt) {
    show("screen-waiting");
    $("waiting-candidate").textContent = `${attempt.candidate} · ${attempt.seat_number} 号座位`;
    const authorized = attempt.status === "authorized";
    $("waiting-text").textContent = authorized
      ? "身份已核验，请点击“开始答题”"
      : "请等待监考员核验身份";
    $("waiting-hint").hidden = authorized;
    $("start-button").hidden = !authorized;
    if (authorized) $("start-button").focus();
    poll(POLL_WAITING_MS);
  }

  // ------------------------------------------------------------------ the paper

  function showExam(attempt) {
    const first = $("screen-exam").hidden;
    const changed = first || state.shownStatus !== attempt.status;
    state.shownStatus = attempt.status;
    show("screen-exam");
    $("exam-candidate").textContent = attempt.candidate;
    $("exam-seat").textContent = `${attempt.seat_number} 号`;
    $("exam-total").textContent = attempt.total;
    mergeQuestions(attempt.questions);
    raiseSequence(attempt.questions);
    if (first) buildGrid();
    if (changed) showQuestion(state.current);
    updateProgress();
    const paused = attempt.status === "paused";
    $("paused-overlay").hidden = !paused;
    tick();
    flush();
    poll(POLL_EXAM_MS);
  }

  // The server's answers, each replaced by this page's own when that one is newer (queued,
  // or acknowledged after the server read the paper for this answer).
  function mergeQuestions(questions) {
    const mine = new Map(state.mine);
    for (const entry of readQueue()) mine.set(entry.position, entry);
    state.questions = questions.map((question) => {
      const local = mine.get(question.position);
      const newer = local && local.sequence > (question.sequence || 0);
      return { ...question, choice: newer ? local.choice : question.choice || [] };
    });
  }

  function buildGrid() {
    const grid = $("question-grid");
    grid.replaceChildren();
    state.questions.forEach((question, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn pk-question-number";
      button.textContent = question.position;
      button.dataset.index = index;
      button.addEventListener("click", () => showQuestion(index));
      grid.append(button);
    });
  }

  function optionsOf(question) {
    if (question.question_type === "true_false") return TRUE_FALSE;
    return question.options.map((text, index) => `${LETTERS[index]}. ${text}`);
  }

  function showQuestion(index) {
    if (!state.questions.length) return;
    state.current = Math.max(0, Math.min(index, state.questions.length - 1));
    const question = state.questions[state.current];
    const multiple = question.question_type === "multiple_choice";
    $("question-heading").textContent =
      `第 ${question.position} 题 / 共 ${state.questions.length} 题 · ` +
      `${TYPE_NAMES[question.question_type] || ""} · ${Number(question.points)} 分` +
      (multiple ? "（选出全部正确选项）" : "");
    $("question-stem").textContent = question.stem;
    const fieldset = $("question-options");
    fieldset.querySelectorAll(".form-check").forEach((node) => node.remove());
    optionsOf(question).forEach((text, option) => {
      const wrap = document.createElement("div");
      wrap.className = "form-check pk-option";
      const input = document.createElement("input");
      input.className = "form-check-input";
      input.type = multiple ? "checkbox" : "radio";
      input.name = `question-${question.position}`;
      input.id = `option-${question.position}-${option}`;
      input.value = option;
      input.checked = question.choice.includes(option);
      input.disabled = !answering();
      input.addEventListener("change", () => choose(question.position, fieldset));
      const label = document.createElement("label");
      label.className = "form-check-label";
      label.htmlFor = input.id;
      label.textContent = text;
      wrap.append(input, label);
      fieldset.append(wrap);
    });
    $("previous-button").disabled = state.current === 0;
    $("next-button").disabled = state.current === state.questions.length - 1;
    updateProgress();
  }

  function answering() {
    return state.attempt && state.attempt.status === "active" && !state.timeUp && !state.submitting;
  }

  // By position: a poll may have replaced the question objects since the options were drawn.
  function choose(position, fieldset) {
    if (!answering()) return;
    const question = state.questions.find((each) => each.position === position);
    question.choice = [...fieldset.querySelectorAll("input:checked")].map((input) =>
      Number(input.value),
    );
    enqueue(question.position, question.choice);
    updateProgress();
  }

  function updateProgress() {
    const answered = state.questions.filter((question) => question.choice.length).length;
    $("exam-answered").textContent = answered;
    $("question-grid").querySelectorAll("button").forEach((button) => {
      const question = state.questions[Number(button.dataset.index)];
      const done = question && question.choice.length > 0;
      button.classList.toggle("btn-primary", done);
      button.classList.toggle("btn-outline-secondary", !done);
      button.classList.toggle("pk-current", Number(button.dataset.index) === state.current);
      button.setAttribute(
        "aria-label",
        `第 ${button.textContent} 题，${done ? "已答" : "未答"}`,
      );
    });
  }

  // ------------------------------------------------------------------ saving

  const queueKey = () => `peikao.exam.queue.${state.attempt.id}`;
  const sequenceKey = () => `peikao.exam.sequence.${state.attempt.id}`;

  function readQueue() {
    if (!state.attempt) return [];
    try {
      return JSON.parse(localStorage.getItem(queueKey()) || "[]");
    } catch {
      return [];
    }
  }

  function writeQueue(queue) {
    localStorage.setItem(queueKey(), JSON.stringify(queue));
    $("unsaved-count").textContent = queue.length;
    if (!queue.length) $("offline-banner").hidden = true;
  }

  // The counter starts above every sequence the server holds (another seat, a reload).
  function raiseSequence(questions) {
    const stored = Number(localStorage.getItem(sequenceKey()) || 0);
    const highest = Math.max(stored, ...questions.map((question) => question.sequence || 0));
    localStorage.setItem(sequenceKey(), String(highest));
  }

  function nextSequence() {
    const next = Number(localStorage.getItem(sequenceKey()) || 0) + 1;
    localStorage.setItem(sequenceKey(), String(next));
    return next;
  }

  function enqueue(position, choice) {
    // A newer answer to the same question replaces the unsent one: only the last counts.
    const queue = readQueue().filter((entry) => entry.position !== position);
    const entry = {
      position,
      choice,
      sequence: nextSequence(),
      client_time: new Date(Date.now() + state.offsetMs).toISOString(),
    };
    state.mine.set(position, entry);
    queue.push(entry);
    writeQueue(queue);
    saveState("正在保存…", "text-secondary");
    flush();
  }

  function saveState(text, style) {
    const node = $("save-state");
    node.textContent = text;
    node.className = `pk-save-state ${style}`;
  }

  async function flush() {
    if (state.sending) return;
    const queue = readQueue();
    if (!queue.length) return;
    state.sending = true;
    clearTimeout(state.retryTimer);
    const entry = queue[0];
    try {
      const answer = await call("POST", "/seat/attempt/answers", entry);
      dropFromQueue(entry);
      if (answer.ok) {
        saveState(`已保存 第 ${entry.position} 题`, "text-success");
        notice("");
      } else {
        // Paused, time up, moved, submitted: the server's word, and this answer is not kept.
        notice(refusal(answer.data));
        saveState("未保存", "text-danger");
        refresh();
      }
      state.retryMs = 1000;
      state.sending = false;
      flush();
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      state.sending = false;
      $("offline-banner").hidden = false;
      $("unsaved-count").textContent = readQueue().length;
      saveState("未保存到服务器", "text-danger");
      state.retryTimer = setTimeout(flush, state.retryMs);
      state.retryMs = Math.min(state.retryMs * 2, LONGEST_RETRY_MS);
    }
  }

  function dropFromQueue(sent) {
    // A newer answer queued while this one was in flight stays.
    writeQueue(
      readQueue().filter(
        (entry) => !(entry.position === sent.position && entry.sequence === sent.sequence),
      ),
    );
  }

  function flushed() {
    return new Promise((resolve) => {
      const check = () => (readQueue().length ? setTimeout(check, 300) : resolve());
      flush();
      check();
    });
  }

  // ------------------------------------------------------------------ the clock

  function secondsLeft() {
    if (!state.attempt) return null;
    if (state.attempt.status === "paused") return state.frozenSeconds;
    if (state.deadlineMs === null) return null;
    const now = Date.now() + state.offsetMs;
    return Math.max(0, Math.floor((state.deadlineMs - now) / 1000));
  }

  function tick() {
    const left = secondsLeft();
    if (left === null || $("screen-exam").hidden) return;
    const hours = Math.floor(left / 3600);
    const minutes = String(Math.floor((left % 3600) / 60)).padStart(2, "0");
    const seconds = String(left % 60).padStart(2, "0");
    $("countdown").textContent = hours ? `${hours}:${minutes}:${seconds}` : `${minutes}:${seconds}`;
    $("countdown").classList.toggle("text-danger", left < 300);
    if (left === 0 && state.attempt.status === "active" && !state.timeUp) timeUp();
  }

  async function timeUp() {
    state.timeUp = true;
    showQuestion(state.current);
    notice("考试时间已到，系统正在提交您的试卷，请勿离开座位。");
    await flushed();
    submit();
  }

  // ------------------------------------------------------------------ submission

  async function submit() {
    if (state.submitting) return;
    state.submitting = true;
    $("submit-button").disabled = true;
    showQuestion(state.current);
    await flushed();
    let answer;
    try {
      answer = await call("POST", "/seat/attempt/submit");
    } catch {
      notice("网络中断，交卷未能送达服务器，恢复后将自动重试。");
      state.submitting = false;
      setTimeout(submit, 3000);
      return;
    }
    if (answer.ok) return showDone(answer.data);
    state.submitting = false;
    $("submit-button").disabled = false;
    notice(refusal(answer.data));
    refresh();
  }

  function askToSubmit() {
    if (state.submitting || !answering()) return;
    const left = state.questions.filter((question) => !question.choice.length).length;
    const question = left
      ? `您还有 ${left} 题未作答，交卷后不能再修改。确定交卷吗？`
      : "全部题目已作答，交卷后不能再修改。确定交卷吗？";
    if (window.confirm(question)) submit();
  }

  function showDone(attempt) {
    state.attempt = attempt;
    show("screen-done");
    notice("");
    const scored = attempt.score !== null && attempt.score !== undefined;
    $("done-waiting").hidden = scored;
    $("done-result").hidden = !scored;
    $("done-candidate").textContent = attempt.candidate;
    if (!scored) return poll(POLL_WAITING_MS);
    const passed = Number(attempt.score) >= Number(attempt.pass_mark);
    $("done-title").textContent = "已交卷，成绩如下";
    $("done-score").textContent = Number(attempt.score);
    $("done-pass-mark").textContent = `${Number(attempt.pass_mark)} 分`;
    $("done-verdict").textContent = passed ? "合格" : "不合格";
    $("done-verdict").className = passed ? "text-success" : "text-danger";
    $("done-receipt").textContent = attempt.receipt || "";
    clearTimeout(state.pollTimer);
  }

  // ------------------------------------------------------------------ wiring

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const ticket = $("ticket-number").value.trim();
    const idNumber = $("id-number").value.trim().toUpperCase();
    if (!ticket || !idNumber) return showSignIn("请输入准考证号和身份证号。");
    $("sign-in-button").disabled = true;
    try {
      state.token = null;
      const answer = await call("POST", "/seat/sign-in", {
        ticket_number: ticket,
        id_number: idNumber,
      });
      if (!answer.ok) return showSignIn(refusal(answer.data));
      state.token = answer.data.token;
      localStorage.setItem(tokenKey, state.token);
      $("sign-in-form").reset();
      render(answer.data.attempt);
    } catch {
      showSignIn("网络中断，签到未能送达服务器，请稍后再试。");
    } finally {
      $("sign-in-button").disabled = false;
    }
  });

  $("start-button").addEventListener("click", async () => {
    $("start-button").disabled = true;
    try {
      const answer = await call("POST", "/seat/attempt/start");
      if (answer.ok) render(answer.data);
      else notice(refusal(answer.data));
    } catch {
      notice("网络中断，请稍后再点击“开始答题”。");
    } finally {
      $("start-button").disabled = false;
    }
  });

  // The candidate is done: the seat is free for the next one (their result stays on the server).
  document.querySelectorAll("[data-next-candidate]").forEach((button) =>
    button.addEventListener("click", () => {
      clearTimeout(state.pollTimer);
      forgetToken();
      state.attempt = null;
      showSignIn();
    }),
  );
  $("previous-button").addEventListener("click", () => showQuestion(state.current - 1));
  $("next-button").addEventListener("click", () => showQuestion(state.current + 1));
  $("submit-button").addEventListener("click", askToSubmit);
  window.addEventListener("online", () => {
    state.retryMs = 1000;
    flush();
  });
  setInterval(tick, 1000);
  setInterval(() => call("POST", "/seat/heartbeat").catch(() => {}), HEARTBEAT_MS);
  call("POST", "/seat/heartbeat").catch(() => {});
  refresh();
})();
