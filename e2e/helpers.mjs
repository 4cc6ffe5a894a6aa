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

// demoSecret is the TOTP secret of every demo staff account.
export const demoSecret = "JBSWY3DPEHPK3PXP";

// logins returns signIn for a test file's browser, and waitOutLastStep, which a
// file's after() awaits so that the next file can log the same staff in (TOTP codes
// are single-use per account).
export function logins(getBrowser) {
  let lastStep = 0;
  // signIn logs a user in within a fresh context; a staff code refused as already
  // used (another test took this step) is retried at the next step.
  async function signIn(user, staff) {
    const ctx = await getBrowser().newContext();
    const page = await ctx.newPage();
    await page.goto(baseURL + "/login");
    await page.fill("#username", user);
    await page.fill("#password", "demo-password");
    await page.click("#login-submit");
    if (staff) {
      for (let attempt = 0; ; attempt++) {
        await page.waitForSelector("#totp");
        lastStep = Math.floor(Date.now() / 30000);
        await page.fill("#totp", totp(demoSecret));
        await page.click("#totp-submit");
        await page.waitForSelector("#logout, #totp-error");
        if (await page.locator("#logout").count()) break;
        if (attempt >= 2) throw new Error("TOTP refused twice");
        await page.waitForTimeout((lastStep + 1) * 30000 - Date.now() + 200);
      }
    }
    await page.waitForSelector("#logout");
    return page;
  }
  async function waitOutLastStep() {
    // With a server of its own (go test starts one per file) no other file shares
    // the TOTP codes, so there is nothing to wait out.
    if (process.env.MIZ_SERVER_PER_FILE === "1") return;
    const wait = (lastStep + 1) * 30000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 200));
  }
  return { signIn, waitOutLastStep };
}

// reportIncident reports a CERT incident through the report form (issue 15) as the
// signed-in organisation on page and returns its tracking code; the incident is
// submitted by the form itself and the page is left on the incident.
export async function reportIncident(page, summary = "گزارش حادثه برای آزمون مرورگر: دسترسی غیرمجاز به کارگزار") {
  await page.goto(baseURL + "/cert/report");
  await page.fill("#summary", summary);
  await page.click("#cert-report-submit");
  await page.waitForSelector("#tracking-code");
  return (await page.textContent("#tracking-code")).trim();
}
