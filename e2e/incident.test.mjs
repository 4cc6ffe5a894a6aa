// CERT incident desk (issue 15): an organisation reports an incident with an IOC
// list and a password-protected malware sample; the on-duty responder finds it in
// the queue and triages it as high severity (and so holds it); a second CERT staff
// member without the assignment gets 404 on the incident.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

const shots = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
mkdirSync(shots, { recursive: true });

// CRC-32 (IEEE), as ZIP and its traditional encryption use it.
const table = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crcByte = (crc, b) => (table[(crc ^ b) & 0xff] ^ (crc >>> 8)) >>> 0;
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcByte(c, b);
  return (c ^ 0xffffffff) >>> 0;
}

// protectedZip builds a ZIP archive holding one file encrypted with the
// traditional PKWARE cipher (ZipCrypto) under password — the way samples travel
// between CERTs ("infected").
function protectedZip(name, data, password) {
  let k0 = 0x12345678, k1 = 0x23456789, k2 = 0x34567890;
  const update = (b) => {
    k0 = crcByte(k0, b);
    k1 = (Math.imul((k1 + (k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    k2 = crcByte(k2, k1 >>> 24);
  };
  for (const b of Buffer.from(password)) update(b);
  const crc = crc32(data);
  const header = randomBytes(12);
  header[11] = crc >>> 24;
  const plain = Buffer.concat([header, data]);
  const enc = Buffer.alloc(plain.length);
  for (let i = 0; i < plain.length; i++) {
    const t = (k2 | 2) & 0xffff;
    enc[i] = plain[i] ^ ((Math.imul(t, t ^ 1) >>> 8) & 0xff);
    update(plain[i]);
  }
  const fname = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(1, 6); local.writeUInt16LE(0, 8);
  local.writeUInt16LE(0, 10); local.writeUInt16LE(0x21, 12); local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(enc.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(fname.length, 26); local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(1, 8);
  central.writeUInt16LE(0, 10); central.writeUInt16LE(0, 12); central.writeUInt16LE(0x21, 14); central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(enc.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(fname.length, 28);
  const cdOffset = local.length + fname.length + enc.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fname.length, 12); end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, fname, enc, central, fname, end]);
}

async function fitsWidth(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `page is ${w}px wide on a ${width}px screen`);
}

test("an organisation reports, the responder triages, another analyst gets 404", { timeout: 240000 }, async () => {
  const eicar = Buffer.from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
  const sample = protectedZip("dropper.exe", eicar, "infected");
  const sha = createHash("sha256").update(sample).digest("hex");

  const org = await signIn("10101234565", false);
  await org.goto(baseURL + "/cert/report");
  await org.fill("#summary", "باج‌افزار کارگزار پرونده‌ها را رمز کرد؛ یادداشت باج روی میز کاربران است.");
  await org.fill("#first_seen", "1405/01/15 02:10");
  await org.fill("#assets", "192.0.2.10\nhostname: fs01");
  await org.fill("#indicators", "hxxp://evil[.]ir/payload\n203.0.113[.]7\n203.0.113.7\nattacker[@]evil.ir\n" + createHash("md5").update(eicar).digest("hex"));
  await org.selectOption("#tlp", "AMBER");
  await org.setInputFiles("#evidence", { name: "sample.zip", mimeType: "application/zip", buffer: sample });
  await org.click("#cert-report-submit");
  await org.waitForSelector("#tracking-code");
  const code = (await org.textContent("#tracking-code")).trim();
  const iocs = await org.$$eval("#cert-indicator-table .ioc", (els) => els.map((e) => e.textContent.trim()));
  assert.ok(iocs.includes("http://evil.ir/payload"), "refanged URL: " + iocs);
  assert.equal(iocs.filter((v) => v === "203.0.113.7").length, 1, "de-duplicated IP: " + iocs);
  assert.equal(iocs.length, 4, "indicators: " + iocs);
  assert.equal((await org.textContent("#cert-evidence-table .digest")).trim(), sha);
  assert.match(await org.textContent("#cert-evidence-table"), /sample\.zip/);
  assert.equal(await org.locator("#cert-evidence-table a.evidence-download").count(), 0, "the reporter is offered a download");
  assert.match(await org.textContent("h1 .tlp"), /TLP:AMBER/);
  await org.setViewportSize({ width: 390, height: 844 });
  await fitsWidth(org, 390);
  await org.screenshot({ path: shots + "incident-reporter-390.png", fullPage: true });

  const responder = await signIn("demo-responder", true);
  await responder.goto(baseURL + "/cert/queue");
  await responder.waitForSelector(`#cert-queue tr[data-code="${code}"]`);
  await responder.click(`#cert-queue tr[data-code="${code}"] a`);
  await responder.waitForSelector("#cert-triage-form");
  await responder.selectOption("#triage-type", "malicious-code/malware-distribution");
  await responder.selectOption("#triage-severity", "high");
  await responder.click("#cert-triage-submit");
  await responder.waitForSelector("#cert-severity");
  assert.equal((await responder.textContent("#cert-severity")).trim(), "بالا");
  assert.doesNotMatch(await responder.textContent("#cert-class"), /malicious-code|malware-distribution/, "raw taxonomy ids shown");
  assert.equal(await responder.locator("#cert-evidence-table a.evidence-download").count(), 1, "the assigned responder cannot download");
  await responder.screenshot({ path: shots + "incident-responder-1366.png", fullPage: true });
  await responder.goto(baseURL + "/cert/queue");
  assert.match(await responder.textContent(`#cert-queue tr[data-code="${code}"]`), /بالا/);
  await responder.setViewportSize({ width: 390, height: 844 });
  await responder.goto(baseURL + "/cases/" + code + "/incident");
  await fitsWidth(responder, 390);

  const analyst = await signIn("demo-analyst", true);
  const res = await analyst.goto(baseURL + "/cases/" + code + "/incident");
  assert.equal(res.status(), 404, "another CERT staff member opened the incident");
  assert.doesNotMatch(await analyst.content(), /evil\.ir|sample\.zip|باج‌افزار/);
});
