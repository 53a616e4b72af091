/* 培考 离线核验页：registers the service worker, opens the two lists, and shows what a QR says.
 * The checks are in verify-core.js; this file reads the page and writes it (textContent only:
 * nothing from a QR or a list is ever parsed as HTML). */
(function () {
  "use strict";

  const core = window.PeikaoVerify;
  const anchor = JSON.parse(document.getElementById("trust-anchor").textContent);
  const config = JSON.parse(document.getElementById("offline-config").textContent);
  const names = config.names;
  const $ = (id) => document.getElementById(id);

  const state = { trust: null, trustFetched: null, status: null, offline: false };

  // ---------------------------------------------------------------- small helpers

  function show(element, visible) {
    element.classList.toggle("d-none", !visible);
  }

  function moment(iso) {
    const time = Date.parse(iso);
    if (Number.isNaN(time)) return iso || "—";
    const d = new Date(time);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function fillList(dl, rows) {
    dl.replaceChildren();
    for (const [label, value, extraClass] of rows) {
      if (value === null || value === undefined || value === "") continue;
      const dt = document.createElement("dt");
      dt.className = "col-sm-4 text-body-secondary fw-normal";
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.className = `col-sm-8${extraClass ? ` ${extraClass}` : ""}`;
      dd.textContent = value;
      dl.append(dt, dd);
    }
  }

  function named(code, table) {
    if (!code) return "";
    const name = table && table[code];
    return name ? `${code} ${name}` : code;
  }

  // ---------------------------------------------------------------- the lists

  async function fetchJson(url) {
    const response = await fetch(url, { cache: "no-store", credentials: "omit" });
    if (!response.ok) throw new core.VerifyError(`服务器返回 ${response.status}`, "http");
    return {
      body: await response.json(),
      fromCache: response.headers.get("X-Peikao-From-Cache") === "1",
    };
  }

  async function loadLists() {
    const errors = [];
    $("lists-source").textContent = "正在读取列表…";
    let fromCache = false;
    try {
      const trust = await fetchJson(config.urls.trustList);
      state.trust = core.openTrustList(trust.body, anchor);
      fromCache = fromCache || trust.fromCache;
    } catch (error) {
      errors.push(listError("信任列表", error));
    }
    if (state.trust) {
      try {
        const status = await fetchJson(config.urls.statusList);
        state.status = await core.openStatusList(status.body, state.trust);
        fromCache = fromCache || status.fromCache;
      } catch (error) {
        errors.push(listError("状态列表", error));
      }
    }
    state.offline = fromCache || errors.some((e) => e.network);
    renderLists(errors);
    recheck();
  }

  function listError(what, error) {
    if (error instanceof core.VerifyError) {
      const message = error.message.startsWith(what) ? error.message : `${what}：${error.message}`;
      return { message, network: error.code === "http" };
    }
    return { message: `${what}：无法取得（未联网，且本机没有保存过）。`, network: true };
  }

  function renderLists(errors) {
    const now = new Date();
    if (state.trust) {
      const age = core.ageText(core.hoursSince(state.trust.issuedAt, now));
      const count = state.trust.keys.size;
      $("trust-list-state").textContent = `签发于 ${moment(state.trust.issuedAt)}（${age}），${count} 个签名密钥`;
    } else {
      $("trust-list-state").textContent = "未取得";
    }
    const stale = $("status-list-stale");
    if (state.status) {
      const hours = core.hoursSince(state.status.validFrom, now);
      $("status-list-state").textContent = `生成于 ${moment(state.status.validFrom)}（${core.ageText(hours)}）`;
      const tooOld = hours === null || hours > config.staleAfterHours;
      stale.textContent = tooOld
        ? `状态列表已超过 ${config.staleAfterHours} 小时未更新，证书此后可能已被暂扣或撤销：请联网后点击「更新列表」。`
        : "";
      show(stale, tooOld);
    } else {
      $("status-list-state").textContent = "未取得";
      show(stale, false);
    }
    $("lists-source").textContent = state.offline
      ? "离线：使用本机保存的列表。"
      : "已联网：列表为最新。";
    const box = $("lists-error");
    box.textContent = errors.map((e) => e.message).join(" ");
    show(box, errors.length > 0);
  }

  // ---------------------------------------------------------------- the QR

  function kindTables(kind) {
    if (kind === 0) return [names.operationCategories, names.operationItems, "作业类别", "操作项目"];
    if (kind === 1) return [names.postCategories, names.industries, "人员类别", "行业类别"];
    return [{ ...names.operationCategories, ...names.postCategories }, { ...names.operationItems, ...names.industries }, "类别", "项目"];
  }

  function renderResult(result) {
    show($("result-empty"), false);
    const verdict = $("result-verdict");
    verdict.replaceChildren();
    const title = document.createElement("strong");
    const detail = document.createElement("div");
    let tone;
    if (!result.ok) {
      tone = "danger";
      title.textContent = result.code === "signature" || result.code === "untrusted" ? "签名校验失败" : "无法核验";
      detail.textContent = result.error;
    } else if (result.status && result.status.value === 0 && !result.expired) {
      tone = "success";
      title.textContent = "签名有效，证书状态：有效";
      detail.textContent = "二维码由信任列表中的密钥签发，内容未被改动。";
    } else {
      tone = "warning";
      title.textContent = "签名有效，但请注意证书状态";
      detail.textContent = [
        result.status ? `状态列表显示：${result.status.message}。` : result.statusProblem,
        result.expired ? "证书已超过有效期。" : "",
      ].join("");
    }
    verdict.className = `alert alert-${tone}`;
    verdict.dataset.result = result.ok ? "verified" : "failed";
    verdict.append(title, detail);
    show(verdict, true);

    const details = $("result-details");
    if (!result.claims) {
      show(details, false);
      return;
    }
    const c = result.claims;
    const [categories, subjects, categoryLabel, subjectLabel] = kindTables(c.kind);
    const unverified = result.ok ? "" : "text-decoration-line-through text-body-secondary";
    fillList($("result-claims"), [
      ["证书编号", c.number, unverified],
      ["证书类型", names.kinds[String(c.kind)] || `类型 ${c.kind}`, unverified],
      ["姓名", core.maskedName(c.name), unverified],
      ["身份证号", core.maskedIdNumber(c.idNumber), unverified],
      [categoryLabel, named(c.category, categories), unverified],
      [subjectLabel, named(c.subject, subjects), unverified],
      ["学时", c.hoursTenths === null ? "" : `${(c.hoursTenths / 10).toFixed(1)} 学时`, unverified],
      ["初领日期", c.firstIssued, unverified],
      ["签发日期", c.issuedOn, unverified],
      ["有效期至", c.validUntil, result.expired ? "text-danger" : unverified],
      ["下次复审", c.nextReview, unverified],
      ["发证机关区划", named(c.issuerRegion, names.regions), unverified],
    ]);
    const signer = result.signer || {};
    const keyState = {
      active: "启用中（信任列表）",
      retired: `已停用，其签发的证书仍受信任${signer.retiredAt ? `（停用于 ${moment(signer.retiredAt)}）` : ""}`,
    }[signer.status] || "不在信任列表中";
    fillList($("result-signer"), [
      ["密钥标识", signer.kid, "font-monospace"],
      ["签名算法", names.suites[signer.alg] || signer.alg],
      ["密钥状态", keyState, signer.status ? "" : "text-danger"],
      ["校验结果", result.ok ? "签名有效" : "签名校验失败", result.ok ? "text-success" : "text-danger fw-bold"],
    ]);
    const statusRows = [];
    if (result.ok && result.status) {
      statusRows.push(["当前状态", result.status.message, result.status.value === 0 ? "text-success fw-bold" : "text-danger fw-bold"]);
      statusRows.push(["状态列表时间", `${moment(state.status.validFrom)}（${core.ageText(core.hoursSince(state.status.validFrom, new Date()))}）`]);
    } else if (result.ok) {
      statusRows.push(["当前状态", result.statusProblem, "text-body-secondary"]);
    } else {
      statusRows.push(["当前状态", "签名未通过，不显示状态", "text-body-secondary"]);
    }
    if (c.statusIndex !== null) statusRows.push(["状态位置", String(c.statusIndex)]);
    fillList($("result-status"), statusRows);
    show(details, true);
  }

  function verifyText() {
    const text = $("qr-text").value.trim();
    if (!text) return;
    renderResult(core.checkStatement(text, state.trust, state.status, new Date()));
  }

  function recheck() {
    if ($("qr-text").value.trim()) verifyText();
  }

  // ---------------------------------------------------------------- pictures (jsQR)

  async function decodePicture(file) {
    const bitmap = await createImageBitmap(file);
    try {
      // Large photos first scaled down: jsQR is quick on 1000 px and slow on 4000.
      for (const longest of [1200, 800, 1800]) {
        const scale = Math.min(1, longest / Math.max(bitmap.width, bitmap.height));
        const width = Math.round(bitmap.width * scale);
        const height = Math.round(bitmap.height * scale);
        const canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = height;
        const context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(bitmap, 0, 0, width, height);
        const pixels = context.getImageData(0, 0, width, height);
        const found = window.jsQR(pixels.data, width, height, { inversionAttempts: "attemptBoth" });
        if (found && found.data) return found.data;
      }
      return null;
    } finally {
      bitmap.close();
    }
  }

  async function onPicture(event) {
    const file = event.target.files && event.target.files[0];
    if (!file) return;
    const note = $("qr-image-state");
    note.textContent = "正在识别图片中的二维码…";
    try {
      const text = await decodePicture(file);
      if (!text) {
        note.textContent = "未能在图片中识别出二维码：请让二维码占满画面、保持清晰后重拍。";
        return;
      }
      note.textContent = "已识别图片中的二维码。";
      $("qr-text").value = text;
      verifyText();
    } catch (error) {
      note.textContent = "无法读取这张图片。";
    } finally {
      event.target.value = "";
    }
  }

  // ---------------------------------------------------------------- the service worker

  async function prepareOffline() {
    const badge = $("offline-state");
    if (!("serviceWorker" in navigator) || !window.caches) {
      badge.textContent = "此浏览器不支持离线使用";
      return;
    }
    try {
      await navigator.serviceWorker.register(config.urls.worker, { scope: config.urls.page });
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        // The worker claims this page as it activates (clients.claim).
        await new Promise((resolve) => {
          navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
          if (navigator.serviceWorker.controller) resolve();
        });
      }
      const kept = await Promise.all(
        [config.urls.page, config.urls.trustList, config.urls.statusList].map((url) => caches.match(url)),
      );
      if (kept.every(Boolean)) {
        badge.textContent = "已可离线使用";
        badge.className = "badge text-bg-success";
        badge.dataset.offlineReady = "true";
      } else {
        badge.textContent = "离线使用尚未就绪：请联网后刷新本页";
      }
    } catch (error) {
      badge.textContent = "未能启用离线使用";
    }
  }

  // ---------------------------------------------------------------- wiring

  $("offline-form").addEventListener("submit", (event) => {
    event.preventDefault();
    verifyText();
  });
  $("qr-text").addEventListener("paste", () => setTimeout(verifyText, 0));
  $("qr-clear").addEventListener("click", () => {
    $("qr-text").value = "";
    show($("result-verdict"), false);
    show($("result-details"), false);
    show($("result-empty"), true);
  });
  $("qr-image").addEventListener("change", onPicture);
  $("lists-refresh").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await loadLists();
    } finally {
      event.target.disabled = false;
    }
  });

  loadLists();
  prepareOffline();
})();
