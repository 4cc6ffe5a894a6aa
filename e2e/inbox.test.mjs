// Issue 14: people are told what happens. The applicant submits a request; the
// header shows the unread badge on every signed-in page; the inbox lists the notice
// with its tracking code, unread first, at 1366 and at 390 px; opening it leads to
// the case and marks it read; "mark all read" clears the badge.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { baseURL, launch, logins } from "./helpers.mjs";

const shots = new URL("../docs/screenshots/", import.meta.url).pathname;
let browser;
const { signIn, waitOutLastStep } = logins(() => browser);
before(async () => { browser = await launch(); mkdirSync(shots, { recursive: true }); });
after(async () => { await waitOutLastStep(); await browser?.close(); });

const pdf = (tag) => new Blob([`%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${tag}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`], { type: "application/pdf" });

// submitOverAPI opens and submits a CERTIFY application as the demo applicant and
// returns its tracking code.
async function submitOverAPI() {
  const api = async (path, init = {}) => {
    const r = await fetch(baseURL + path, init);
    const body = r.status === 204 ? {} : await r.json();
    if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
    return body;
  };
  const { token } = await api("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "demo-applicant", password: "demo-password" }) });
  const auth = { Authorization: "Bearer " + token };
  const form = { product_name_fa: "دفتر نامه الکترونیک", product_name_en: "E-Letter", version: "2.1", category: "accounting",
    platform: "Web", deployment: "saas", contact_name: "علی رضایی", contact_phone: "021-88001122", contact_email: "ali.rezaei@example.org" };
  const c = await api("/api/v1/cases", { method: "POST", headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ service: "certify", kind: "application", form }) });
  for (const type of ["national_card", "product_description", "user_manual", "test_access", "ownership_declaration"]) {
    const fd = new FormData();
    fd.append("type", type);
    fd.append("file", pdf(type + c.tracking_code), type + ".pdf");
    await api(`/api/v1/cases/${c.tracking_code}/documents`, { method: "POST", headers: auth, body: fd });
  }
  await api(`/api/v1/cases/${c.tracking_code}/submit`, { method: "POST", headers: auth });
  return c.tracking_code;
}

test("the unread badge and the inbox at 1366 and 390 px", async () => {
  const code = await submitOverAPI();
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(baseURL + "/login");
  await page.fill("#username", "demo-applicant");
  await page.fill("#password", "demo-password");
  await page.click("#login-submit");
  await page.waitForSelector("#logout");
  const badge = page.locator("#unread-badge");
  assert.ok(await badge.isVisible(), "no unread badge in the header");
  const before = (await badge.textContent()).trim();
  assert.match(before, /^[۰-۹]+$/, "the badge counts in Persian digits");
  await page.screenshot({ path: shots + "after-inbox-badge-1366.png" });

  await page.click("#nav-inbox");
  await page.waitForSelector("#inbox");
  const first = page.locator("#inbox li").first();
  assert.match(await first.textContent(), new RegExp(code), "the newest unread notice names the tracking code");
  assert.ok((await first.getAttribute("class")).includes("unread"));
  await page.screenshot({ path: shots + "after-inbox-1366.png", fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the inbox scrolls sideways at 390 px by ${overflow}px`);
  await page.screenshot({ path: shots + "after-inbox-390.png", fullPage: true });

  // Opening the notice marks it read and leads to the case.
  await first.locator("button[id^=open-]").click();
  await page.waitForURL(new RegExp("/cases/" + code));
  await page.goto(baseURL + "/inbox");
  assert.notEqual((await page.locator("#unread-badge").textContent().catch(() => "")).trim(), before);
  if (await page.locator("#inbox-read-all").count()) {
    await page.click("#inbox-read-all");
    await page.waitForSelector("#inbox");
  }
  assert.equal(await page.locator("#unread-badge").count(), 0, "the badge stays after mark all read");
  await ctx.close();
});

test("notice choices on the profile: legal notices stay on", async () => {
  const page = await signIn("demo-applicant", false);
  await page.goto(baseURL + "/profile#notices");
  assert.ok(await page.locator("#email_decision").isDisabled(), "a legal notice can be switched off");
  assert.ok(await page.locator("#email_decision").isChecked());
  assert.ok(await page.locator("#sms_paused").isDisabled());
  assert.equal(await page.locator("#email_new_case").count(), 0, "staff-only kinds shown to an applicant");
  await page.uncheck("#email_progress");
  await page.click("#notice-prefs-save");
  await page.waitForSelector("#notices");
  assert.equal(await page.locator("#email_progress").isChecked(), false);
  assert.ok(await page.locator("#email_decision").isChecked());
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator("#notices").screenshot({ path: shots + "after-inbox-prefs-390.png" });
  await page.context().close();
});

test("admin edits the on-duty roster and reads the dev mailbox", async () => {
  const page = await signIn("demo-admin", true);
  await page.goto(baseURL + "/admin/roster");
  await page.fill("#weekdays", "9");
  await page.click("#roster-add");
  assert.match(await page.textContent("#weekdays-error"), /۰ تا ۶/);
  await page.selectOption("#service", "cert");
  await page.fill("#weekdays", "");
  await page.fill("#start", "22:00");
  await page.fill("#end", "08:00");
  await page.fill("#from", "۱۴۰۵/۱۳/۰۱");
  await page.click("#roster-add");
  assert.match(await page.textContent("#from-error"), /۱۴۰۵/);
  await page.fill("#from", "۱۴۰۵/۰۹/۱۳");
  await page.fill("#to", "1405/12/29");
  await page.click("#roster-add");
  await page.waitForSelector("#roster li");
  assert.match(await page.textContent("#roster"), /۱۴۰۵\/۰۹\/۱۳/, "the shift's dates are not shown in the Persian calendar");
  await page.goto(baseURL + "/dev/outbox");
  assert.ok(await page.locator("#dev-outbox li").count() > 0, "the dev mailbox is empty");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(baseURL + "/admin/roster");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the roster scrolls sideways at 390 px by ${overflow}px`);
  await page.screenshot({ path: shots + "after-inbox-roster-390.png", fullPage: true });
  await page.context().close();
});
