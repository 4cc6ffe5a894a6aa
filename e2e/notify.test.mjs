// Issue 14, "done when": people are told what happens, on every channel, and step
// targets are enforced. This file runs against a server with a real SMTP receiver, an
// HTTP SMS gateway and a movable clock (cmd/miz/browser_harness_test.go); the control
// server at MIZ_CONTROL_URL shows what was sent and moves the clock.
//
// 1. An applicant submits in the browser, gets the tracking code by SMS and in the
//    inbox; is returned as incomplete and reads why in the inbox and by e-mail; resubmits.
// 2. A CERT incident reported at 03:00 Tehran time pages the on-duty responder by SMS;
//    left unanswered, it breaches its 30-minute first-response target and the
//    supervisor is alerted by e-mail and in the inbox.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins, totp, demoSecret } from "./helpers.mjs";

const ctl = process.env.MIZ_CONTROL_URL;
if (!ctl) throw new Error("MIZ_CONTROL_URL is not set: this file needs the notify harness of cmd/miz");

let browser;
const { signIn } = logins(() => browser);
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const control = async (path, method = "GET") => {
  const r = await fetch(ctl + path, { method });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
};

// until runs due jobs and asks find until it answers, or fails naming what it waited for.
async function until(what, find, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    await control("/run-due", "POST");
    const v = await find();
    if (v) return v;
    if (Date.now() > end) throw new Error("waited in vain for " + what);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const sms = async (to, text) => ((await control("/sms")) ?? []).find((m) => m.to === to && m.text.includes(text));
const mail = async (to, text) => ((await control("/mail")) ?? []).find((m) => m.to === to && (m.text + m.subject).includes(text));

async function api(path, init = {}) {
  const r = await fetch(baseURL + path, init);
  const body = r.status === 204 ? {} : await r.json();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

// apiLogin signs in over the API; staff give the TOTP code of the server's clock.
async function apiLogin(username, staff) {
  const body = { username, password: "demo-password" };
  if (staff) body.totp = totp(demoSecret, (await control("/now")).unix_ms);
  const { token } = await api("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { Authorization: "Bearer " + token };
}

const pdf = (tag) => new Blob([`%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${tag}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`], { type: "application/pdf" });
async function upload(auth, code, type) {
  const fd = new FormData();
  fd.append("type", type);
  fd.append("file", pdf(type + code + Date.now()), type + ".pdf");
  await api(`/api/v1/cases/${code}/documents`, { method: "POST", headers: auth, body: fd });
}

// staffPage signs a staff member in with the code of the server's clock, which the
// second part of this file has moved to 03:00 Tehran time.
async function staffPage(user) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto(baseURL + "/login");
  await page.fill("#username", user);
  await page.fill("#password", "demo-password");
  await page.click("#login-submit");
  await page.waitForSelector("#totp");
  await page.fill("#totp", totp(demoSecret, (await control("/now")).unix_ms));
  await page.click("#totp-submit");
  await page.waitForSelector("#logout");
  return page;
}

test("the applicant is told each step: SMS, inbox and e-mail", async () => {
  const applicant = await apiLogin("demo-applicant", false);
  const form = { product_name_fa: "دبیرخانه الکترونیک", product_name_en: "E-Secretariat", version: "4.0", category: "administrative",
    platform: "Web", deployment: "saas", contact_name: "علی رضایی", contact_phone: "021-88001122", contact_email: "ali.rezaei@example.org" };
  const c = await api("/api/v1/cases", { method: "POST", headers: { ...applicant, "Content-Type": "application/json" },
    body: JSON.stringify({ service: "certify", kind: "application", form }) });
  const code = c.tracking_code;
  for (const type of ["national_card", "product_description", "user_manual", "test_access", "ownership_declaration"]) {
    await upload(applicant, code, type);
  }

  // The applicant submits in the browser.
  const page = await signIn("demo-applicant", false);
  await page.goto(baseURL + "/cases/" + code);
  await page.click("#step-submit");
  await page.waitForSelector("#step-submit", { state: "detached" });

  const text = (await until("the tracking code by SMS", () => sms("09121234567", code))).text;
  assert.ok([...text].length <= 70, `the tracking-code SMS takes more than one Persian segment: ${[...text].length} characters`);
  await page.goto(baseURL + "/inbox");
  assert.match(await page.locator("#inbox li").first().textContent(), new RegExp(code), "the inbox does not name the tracking code");

  // The expert returns it as incomplete, naming what is missing.
  const expert = await apiLogin("demo-expert", true);
  const note = "راهنمای کاربری نسخه ۴ پیوست نشده است";
  await api(`/api/v1/cases/${code}/return`, { method: "POST", headers: { ...expert, "Content-Type": "application/json" },
    body: JSON.stringify({ items: [{ item: "user_manual", note }] }) });

  const letter = await until("the e-mail saying what is missing", () => mail("ali.rezaei@example.org", note));
  assert.match(letter.text, new RegExp(code));
  assert.doesNotMatch(letter.text, /user_manual/, "the e-mail names a document by its internal id");
  await until("the SMS that the clock is paused", () => sms("09121234567", "ناقص"));
  await page.goto(baseURL + "/inbox");
  const newest = page.locator("#inbox li").first();
  assert.match(await newest.textContent(), new RegExp(note), "the inbox does not say why the case came back");
  assert.ok((await newest.getAttribute("class")).includes("unread"));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the inbox scrolls sideways by ${overflow}px`);

  // The applicant adds the manual and resubmits in the browser.
  await upload(applicant, code, "user_manual");
  await page.goto(baseURL + "/cases/" + code);
  await page.click("#step-resubmit");
  await page.waitForSelector("#step-resubmit", { state: "detached" });
  const status = await api(`/api/v1/cases/${code}`, { headers: applicant });
  assert.equal(status.state, "completeness_check");
  await page.context().close();
});

// nextSunday3am is the coming Sunday at 03:00 in Tehran (UTC+03:30, no daylight time
// since 1401), as RFC 3339.
function nextSunday3am() {
  const tehran = new Date(Date.now() + 3.5 * 3600e3);
  const days = ((7 - tehran.getUTCDay()) % 7) || 7;
  const d = new Date(Date.UTC(tehran.getUTCFullYear(), tehran.getUTCMonth(), tehran.getUTCDate() + days));
  return d.toISOString().slice(0, 10) + "T03:00:00+03:30";
}

test("an incident at 03:00 pages the responder on duty; unanswered, it breaches and the supervisor is told", async () => {
  // The administrator puts the responder on the CERT roster around the clock.
  const admin = await signIn("demo-admin", true);
  await admin.goto(baseURL + "/admin/roster");
  await admin.selectOption("#service", "cert");
  await admin.selectOption("#account", { label: "پاسخگوی نمونه" });
  await admin.fill("#weekdays", "");
  await admin.fill("#start", "00:00");
  await admin.fill("#end", "24:00");
  await admin.click("#roster-add");
  await admin.waitForSelector("#roster li");
  await admin.context().close();

  await control("/clock?at=" + encodeURIComponent(nextSunday3am()), "POST");
  const org = await apiLogin("10101234565", false);
  const form = { summary: "باج‌افزار روی سرور پرونده‌ها", tlp: "amber", indicators: "hxxp://evil[.]example\n203.0.113[.]7" };
  const c = await api("/api/v1/cases", { method: "POST", headers: { ...org, "Content-Type": "application/json" },
    body: JSON.stringify({ service: "cert", kind: "incident", form }) });
  const code = c.tracking_code;
  await api(`/api/v1/cases/${code}/submit`, { method: "POST", headers: org });

  const page = await until("the page to the responder on duty", () => sms("09121110001", code));
  assert.ok(page.text.length > 0);
  assert.equal(await sms("09121110002", code), undefined, "the supervisor, not on the roster, was paged for a new incident");

  // Nobody answers for 31 minutes.
  await control("/clock?add=31m", "POST");
  const alert = await until("the supervisor's breach e-mail", () => mail("demo-supervisor@ito.example", code), 20000);
  assert.match(alert.subject + alert.text, /Step overdue|مهلت/, "the supervisor's e-mail is not a breach alert");

  const sup = await staffPage("demo-supervisor");
  await sup.goto(baseURL + "/inbox");
  const items = await sup.locator("#inbox li").allTextContents();
  assert.ok(items.some((t) => t.includes(code)), "the breach is not in the supervisor's inbox: " + items.join(" / "));
  await sup.goto(baseURL + "/queue?service=cert");
  assert.match(await sup.locator("body").textContent(), new RegExp(code), "the breached incident is not on the supervisor's queue");
  await sup.context().close();
});
