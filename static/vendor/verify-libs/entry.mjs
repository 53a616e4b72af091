// Build input of static/vendor/verify-libs/verify-libs.min.js (see static/vendor/README.md).
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { decode as cborDecode, encode as cborEncode } from "cborg";
import sm2 from "sm-crypto/src/sm2/index.js";

globalThis.PeikaoVerifyLibs = {
  ed25519Verify: (signature, message, publicKey) =>
    ed25519.verify(signature, message, publicKey, { zip215: false }),
  sha256,
  cborDecode,
  cborEncode,
  sm2Verify: (message, signatureHex, publicKeyHex) =>
    sm2.doVerifySignature(message, signatureHex, publicKeyHex, { hash: true, der: false }),
};
