// Shared helpers for the browser tests: launch Debian's chromium through
// playwright-core, and compute TOTP codes for the demo staff accounts.
import { chromium } from "playwright-core";
import { createHmac } from "node:crypto";

export const baseURL = process.env.MIZ_URL;
if (!baseURL) {
  throw new Error("MIZ_URL is not set: run these tests through `go test ./cmd/miz -run Browser`");
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

function base32(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of s.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}

// totp returns the RFC 6238 code for secret at time t (ms).
export function totp(secret, t = Date.now()) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / 1000 / 30)));
  const h = createHmac("sha1", base32(secret)).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  const v = (h.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(v).padStart(6, "0");
}
