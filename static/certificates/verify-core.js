/* 培考 离线核验：the checks of peikao/certificates/statement.py, signing.py and status_list.py,
 * in JavaScript, for the offline page (a classic script: window.PeikaoVerify) and for node
 * (module.exports), where peikao/certificates/tests/test_offline_vectors.py runs the same code
 * on vectors the Python signer made.
 *
 * Needs static/vendor/verify-libs/verify-libs.min.js (Ed25519, SHA-256, CBOR, SM2) loaded
 * first, and DecompressionStream('gzip') for the status list (Chromium, node 18+).
 * Every refusal is a VerifyError with a message in Chinese for the person at the page.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    require("../vendor/verify-libs/verify-libs.min.js");
    module.exports = factory(globalThis.PeikaoVerifyLibs);
  } else {
    root.PeikaoVerify = factory(root.PeikaoVerifyLibs);
  }
})(typeof self !== "undefined" ? self : this, function (libs) {
  "use strict";

  const PREFIX = "PK1:";
  const COSE_SIGN1_TAG = 18;
  const HEADER_ALGORITHM = 1;
  const HEADER_KID = 4;
  const ED25519 = "EdDSA";
  const SM2_SM3 = "SM2-SM3";
  const ALGORITHM_OF_COSE = new Map([
    [-8, ED25519],
    [-65537, SM2_SM3],
  ]);
  const CLAIM = {
    NUMBER: 1,
    KIND: 2,
    NAME: 3,
    ID_NUMBER: 4,
    CATEGORY: 5,
    SUBJECT: 6,
    FIRST_ISSUED: 7,
    VALID_UNTIL: 8,
    NEXT_REVIEW: 9,
    ISSUER_REGION: 10,
    STATUS_INDEX: 11,
    HOURS_TENTHS: 12,
    ISSUED_ON: 13,
  };
  const DATE_CLAIMS = [CLAIM.FIRST_ISSUED, CLAIM.VALID_UNTIL, CLAIM.NEXT_REVIEW, CLAIM.ISSUED_ON];
  const STATUS_SIZE = 2;
  const HOUR = 3600 * 1000;

  class VerifyError extends Error {
    constructor(message, code) {
      super(message);
      this.name = "VerifyError";
      this.code = code || "invalid";
    }
  }

  // ------------------------------------------------------------------ bytes

  function toHex(bytes) {
    let text = "";
    for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
    return text;
  }

  function fromHex(text) {
    if (typeof text !== "string" || !/^(?:[0-9a-fA-F]{2})*$/.test(text)) {
      throw new VerifyError("十六进制数据格式不对。", "format");
    }
    const bytes = new Uint8Array(text.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(i * 2, 2), 16);
    return bytes;
  }

  function base64urlDecode(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
      throw new VerifyError("签名文件格式不对。", "format");
    }
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  /** RFC 9285, refusing what is not Base45 rather than guessing. */
  function base45Decode(text) {
    if (text.length % 3 === 1) throw new VerifyError("二维码内容已损坏，无法读取。", "format");
    const values = [];
    for (const char of text) {
      const value = BASE45.indexOf(char);
      if (value < 0) throw new VerifyError("二维码内容已损坏，无法读取。", "format");
      values.push(value);
    }
    const bytes = [];
    for (let i = 0; i < values.length; i += 3) {
      if (values.length - i >= 3) {
        const n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025;
        if (n > 0xffff) throw new VerifyError("二维码内容已损坏，无法读取。", "format");
        bytes.push(n >> 8, n & 0xff);
      } else {
        const n = values[i] + values[i + 1] * 45;
        if (n > 0xff) throw new VerifyError("二维码内容已损坏，无法读取。", "format");
        bytes.push(n);
      }
    }
    return Uint8Array.from(bytes);
  }

  function sameBytes(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // ------------------------------------------------------------------ signatures

  /** The first 8 bytes of the SHA-256 of the public key, in hex: nobody chooses a key's id. */
  function keyId(publicKey) {
    return toHex(libs.sha256(publicKey).slice(0, 8));
  }

  function signatureValid(algorithm, publicKey, message, signature) {
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
    try {
      if (algorithm === ED25519) {
        return publicKey.length === 32 && libs.ed25519Verify(signature, message, publicKey) === true;
      }
      if (algorithm === SM2_SM3) {
        if (publicKey.length !== 65 || publicKey[0] !== 4) return false;
        return libs.sm2Verify(message, toHex(signature), toHex(publicKey)) === true;
      }
    } catch (error) {
      return false;
    }
    return false;
  }

  // ------------------------------------------------------------------ the QR's statement

  function cbor(bytes, what) {
    const tags = [];
    tags[COSE_SIGN1_TAG] = (decode) => ({ coseSign1: decode() });
    try {
      return libs.cborDecode(bytes, { useMaps: true, tags, rejectDuplicateMapKeys: true });
    } catch (error) {
      throw new VerifyError(what || "二维码内容已损坏，无法读取。", "format");
    }
  }

  function sigStructure(protectedBytes, payload) {
    return libs.cborEncode(["Signature1", protectedBytes, new Uint8Array(0), payload]);
  }

  function text(value) {
    if (typeof value !== "string") throw new TypeError("not a text");
    return value;
  }

  function optionalInt(value) {
    if (value === undefined) return null;
    if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError("not an integer");
    return value;
  }

  /** yyyymmdd into "yyyy-mm-dd", refusing a day that does not exist. */
  function dayOfNumber(value) {
    if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError("not a day");
    const year = Math.floor(value / 10000);
    const month = Math.floor(value / 100) % 100;
    const day = value % 100;
    const date = new Date(Date.UTC(year, month - 1, day));
    if (year < 1900 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      throw new RangeError("not a day");
    }
    return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }

  function claimsOf(values) {
    try {
      if (!values.has(CLAIM.NUMBER) || !values.has(CLAIM.KIND)) throw new TypeError("missing");
      const days = {};
      for (const key of DATE_CLAIMS) if (values.has(key)) days[key] = dayOfNumber(values.get(key));
      const region = values.get(CLAIM.ISSUER_REGION);
      const kind = values.get(CLAIM.KIND);
      if (typeof kind !== "number" || !Number.isInteger(kind)) throw new TypeError("kind");
      return {
        number: text(values.get(CLAIM.NUMBER)),
        kind,
        name: text(values.has(CLAIM.NAME) ? values.get(CLAIM.NAME) : ""),
        idNumber: text(values.has(CLAIM.ID_NUMBER) ? values.get(CLAIM.ID_NUMBER) : ""),
        category: text(values.has(CLAIM.CATEGORY) ? values.get(CLAIM.CATEGORY) : ""),
        subject: text(values.has(CLAIM.SUBJECT) ? values.get(CLAIM.SUBJECT) : ""),
        firstIssued: days[CLAIM.FIRST_ISSUED] || null,
        validUntil: days[CLAIM.VALID_UNTIL] || null,
        nextReview: days[CLAIM.NEXT_REVIEW] || null,
        issuerRegion: region === undefined ? "" : String(optionalInt(region)),
        statusIndex: optionalInt(values.get(CLAIM.STATUS_INDEX)),
        hoursTenths: optionalInt(values.get(CLAIM.HOURS_TENTHS)),
        issuedOn: days[CLAIM.ISSUED_ON] || null,
      };
    } catch (error) {
      throw new VerifyError("二维码内容不完整或格式不对。", "format");
    }
  }

  /** A statement read from a QR text, not yet checked (statement.read_statement). */
  function readStatement(qrText) {
    const trimmed = String(qrText || "").trim();
    if (!trimmed.startsWith(PREFIX)) {
      throw new VerifyError("这不是本平台证书的二维码（应以 PK1: 开头）。", "prefix");
    }
    const message = cbor(base45Decode(trimmed.slice(PREFIX.length)));
    if (!message || !Array.isArray(message.coseSign1) || message.coseSign1.length !== 4) {
      throw new VerifyError("二维码内容不是签名声明。", "format");
    }
    const [protectedBytes, , payload, signature] = message.coseSign1;
    if (![protectedBytes, payload, signature].every((part) => part instanceof Uint8Array)) {
      throw new VerifyError("二维码内容不是签名声明。", "format");
    }
    const header = cbor(protectedBytes);
    const claims = cbor(payload);
    if (!(header instanceof Map) || !(claims instanceof Map)) {
      throw new VerifyError("二维码内容不是签名声明。", "format");
    }
    const algorithm = ALGORITHM_OF_COSE.get(header.get(HEADER_ALGORITHM));
    const kid = header.get(HEADER_KID);
    if (algorithm === undefined || !(kid instanceof Uint8Array)) {
      throw new VerifyError("二维码使用了本平台不支持的签名算法。", "algorithm");
    }
    return {
      claims: claimsOf(claims),
      algorithm,
      kid: toHex(kid),
      signedBytes: sigStructure(protectedBytes, payload),
      signature,
    };
  }

  // ------------------------------------------------------------------ signed JSON

  function openEnvelope(envelope, keyFor, what) {
    if (!envelope || typeof envelope !== "object") {
      throw new VerifyError(`${what}格式不对。`, "format");
    }
    let body;
    let signature;
    try {
      body = base64urlDecode(envelope.payload);
      signature = base64urlDecode(envelope.signature);
    } catch (error) {
      throw new VerifyError(`${what}格式不对。`, "format");
    }
    const key = keyFor(envelope.kid);
    if (!key) throw new VerifyError(`${what}的签名密钥不受信任（密钥标识 ${envelope.kid}）。`, "untrusted");
    if (key.alg !== envelope.alg) {
      throw new VerifyError(`${what}的签名算法与密钥不符。`, "algorithm");
    }
    if (keyId(key.publicKey) !== envelope.kid) {
      throw new VerifyError(`${what}的密钥标识与公钥不符。`, "kid");
    }
    if (!signatureValid(key.alg, key.publicKey, body, signature)) {
      throw new VerifyError(`${what}签名校验失败，内容可能被篡改。`, "signature");
    }
    try {
      return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch (error) {
      throw new VerifyError(`${what}格式不对。`, "format");
    }
  }

  function publicKeyOf(entry) {
    return { kid: entry.kid, alg: entry.alg, publicKey: base64urlDecode(entry.public_key) };
  }

  /** The trust list, checked against the anchor the page carries. A listed key whose id is not
   * that of its public key is left out (and named in `rejected`). */
  function openTrustList(envelope, anchor) {
    let anchorKey;
    try {
      anchorKey = publicKeyOf(anchor);
    } catch (error) {
      throw new VerifyError("页面内置的信任锚格式不对。", "anchor");
    }
    if (keyId(anchorKey.publicKey) !== anchorKey.kid) {
      throw new VerifyError("页面内置的信任锚密钥标识与公钥不符。", "anchor");
    }
    const document = openEnvelope(
      envelope,
      (kid) => (kid === anchorKey.kid ? anchorKey : null),
      "信任列表",
    );
    if (document.type !== "PeikaoTrustList" || !Array.isArray(document.keys)) {
      throw new VerifyError("信任列表格式不对。", "format");
    }
    const keys = new Map();
    const rejected = [];
    for (const entry of document.keys) {
      try {
        const key = publicKeyOf(entry);
        if (keyId(key.publicKey) !== key.kid || !["active", "retired"].includes(entry.status)) {
          rejected.push(String(entry.kid));
          continue;
        }
        keys.set(key.kid, {
          ...key,
          status: entry.status,
          createdAt: entry.created_at || "",
          retiredAt: entry.retired_at || "",
        });
      } catch (error) {
        rejected.push(String(entry && entry.kid));
      }
    }
    return { issuer: document.issuer || "", issuedAt: document.issued_at || "", keys, rejected };
  }

  async function gunzip(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /** The status list, checked against a key of the trust list, with its bits unpacked. */
  async function openStatusList(envelope, trust) {
    const document = openEnvelope(envelope, (kid) => trust.keys.get(kid), "状态列表");
    const subject = document.credentialSubject;
    if (
      !subject ||
      subject.type !== "BitstringStatusList" ||
      subject.statusSize !== STATUS_SIZE ||
      typeof subject.encodedList !== "string" ||
      !subject.encodedList.startsWith("u")
    ) {
      throw new VerifyError("状态列表格式不对。", "format");
    }
    let bits;
    try {
      bits = await gunzip(base64urlDecode(subject.encodedList.slice(1)));
    } catch (error) {
      throw new VerifyError("状态列表的内容无法解压。", "format");
    }
    const messages = new Map();
    for (const entry of subject.statusMessage || []) {
      messages.set(parseInt(entry.status, 16), String(entry.message));
    }
    return { validFrom: document.validFrom || "", kid: envelope.kid, bits, messages };
  }

  /** Certificate i's 2 bits, from the left of the first byte (status_list.status_at). */
  function statusAt(bits, index) {
    const position = index * STATUS_SIZE;
    const byte = Math.floor(position / 8);
    if (!Number.isInteger(index) || index < 0 || byte >= bits.length) {
      throw new VerifyError("状态列表中没有这张证书的位置。", "status-index");
    }
    return (bits[byte] >> (6 - (position % 8))) & 0b11;
  }

  // ------------------------------------------------------------------ the whole check

  function hoursSince(isoMoment, now) {
    const moment = Date.parse(isoMoment);
    if (Number.isNaN(moment)) return null;
    return Math.max(0, (now.getTime() - moment) / HOUR);
  }

  function ageText(hours) {
    if (hours === null) return "时间未知";
    if (hours < 1) return "不到 1 小时前";
    const whole = Math.floor(hours);
    return whole >= 48 ? `${whole} 小时前（约 ${Math.floor(whole / 24)} 天）` : `${whole} 小时前`;
  }

  function maskedName(name) {
    return name ? `${name.slice(0, 1)}**` : "";
  }

  function maskedIdNumber(masked) {
    return masked.length === 8 ? `${masked.slice(0, 4)}${"*".repeat(10)}${masked.slice(4)}` : masked;
  }

  function localDay(now) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  /**
   * Checks a QR text against the opened lists. Never throws: the result says what held.
   * { ok, error, code, claims, signer: {kid, alg, status, retiredAt}, status: {value, message}
   *   | null, statusProblem, expired, reviewOverdue }
   * `ok` means the signature holds, by a key of the trust list; the status is beside it.
   */
  function checkStatement(qrText, trust, statusList, now) {
    now = now || new Date();
    let statement;
    try {
      statement = readStatement(qrText);
    } catch (error) {
      return failure(error);
    }
    const result = {
      ok: false,
      claims: statement.claims,
      signer: { kid: statement.kid, alg: statement.algorithm, status: "", retiredAt: "" },
      status: null,
      statusProblem: "",
    };
    if (!trust) {
      return { ...result, error: "尚未取得信任列表，无法校验签名：请联网后点击「更新列表」。", code: "no-trust-list" };
    }
    const key = trust.keys.get(statement.kid);
    if (!key) {
      return {
        ...result,
        error: `签名校验失败：签名密钥 ${statement.kid} 不在信任列表中。`,
        code: "untrusted",
      };
    }
    result.signer.status = key.status;
    result.signer.retiredAt = key.retiredAt;
    if (key.alg !== statement.algorithm) {
      return { ...result, error: "签名校验失败：签名算法与信任列表中的密钥不符。", code: "algorithm" };
    }
    if (!signatureValid(key.alg, key.publicKey, statement.signedBytes, statement.signature)) {
      return {
        ...result,
        error: "签名校验失败：二维码内容被改动过，或不是本平台签发的证书。",
        code: "signature",
      };
    }
    result.ok = true;
    const today = localDay(now);
    result.expired = Boolean(statement.claims.validUntil && statement.claims.validUntil < today);
    result.reviewOverdue = Boolean(statement.claims.nextReview && statement.claims.nextReview < today);
    if (statement.claims.statusIndex === null) {
      result.statusProblem = "这张证书不在状态列表中（二维码未带状态位置）。";
    } else if (!statusList) {
      result.statusProblem = "尚未取得状态列表，无法查看证书的当前状态。";
    } else {
      try {
        const value = statusAt(statusList.bits, statement.claims.statusIndex);
        result.status = { value, message: statusList.messages.get(value) || `状态 ${value}` };
      } catch (error) {
        result.statusProblem = error.message;
      }
    }
    return result;
  }

  function failure(error) {
    if (error instanceof VerifyError) return { ok: false, error: error.message, code: error.code };
    return { ok: false, error: "二维码内容已损坏，无法读取。", code: "format" };
  }

  return {
    PREFIX,
    ED25519,
    SM2_SM3,
    VerifyError,
    toHex,
    fromHex,
    base45Decode,
    base64urlDecode,
    sameBytes,
    keyId,
    signatureValid,
    readStatement,
    openEnvelope,
    openTrustList,
    openStatusList,
    statusAt,
    checkStatement,
    hoursSince,
    ageText,
    maskedName,
    maskedIdNumber,
  };
});
