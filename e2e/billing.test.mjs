// Fees and payments (§6, SLA C-4.1): an applicant's CERT course enrolment is
// accepted and waits for its fee; the applicant sees the invoice on the case page,
// pays through the test payment gateway (a real HTTP server that go test starts),
// lands back on the paid invoice, and the case is back with the Organization with
// its clock running. The printable invoice shows Persian digits and a Jalali date,
// its PDF comes from chromium, and the invoice page fits a phone.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

const card = Buffer.from("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n");
const persianOnly = /^[۰-۹]+$/;

async function fitsWidth(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `page is ${w}px wide on a ${width}px screen`);
}

test("an applicant pays a course fee through the gateway and the case resumes", { timeout: 240000 }, async () => {
  const app = await signIn("demo-applicant", false);
  await app.goto(baseURL + "/cases");
  await app.selectOption("#kind", "cert/course");
  await app.click("#open-case");
  await app.waitForSelector("#tracking-code");
  const code = (await app.textContent("#tracking-code")).trim();
  await app.selectOption("#doc-type", "national_card");
  await app.setInputFiles("#file", { name: "card.pdf", mimeType: "application/pdf", buffer: card });
  await app.click("#upload");
  await app.waitForSelector('#documents li:has-text("card.pdf")');
  await app.click("#step-submit");
  await app.waitForSelector("#step-submit", { state: "detached" });

  const expert = await signIn("demo-expert", true);
  await expert.goto(baseURL + "/cases/" + code);
  await expert.click("#step-accept");
  await expert.waitForSelector("#step-accept", { state: "detached" });

  // The case waits for the applicant's payment: the clock is paused, and no button
  // lets the applicant leave the step without paying.
  await app.goto(baseURL + "/cases/" + code);
  assert.match(await app.textContent("#case-state"), /پرداخت/);
  assert.equal(await app.getAttribute("#case-clock .badge", "class"), "badge warn");
  assert.equal(await app.locator("#step-pay").count(), 0);
  const link = app.locator("#invoices a.invoice-link");
  assert.equal(await link.count(), 1);
  await link.click();
  await app.waitForSelector("#invoice-pay");
  const number = app.url().split("/").pop();
  assert.match(number, /^\d{4}-\d{6}$/);
  assert.equal((await app.textContent("#invoice-total")).trim(), "۴۹٬۵۰۰٬۰۰۰ ریال");
  assert.equal((await app.textContent("#invoice-state")).trim(), "پرداخت‌نشده");
  await app.setViewportSize({ width: 390, height: 844 });
  await fitsWidth(app, 390);
  await app.setViewportSize({ width: 1366, height: 900 });

  // To the gateway (a link: the desk's CSP keeps forms on the desk) and back: the
  // callback records the payment and shows the invoice.
  await app.click("#invoice-pay");
  await app.click("#gateway-continue");
  await app.waitForSelector("#payments");
  assert.equal(app.url(), baseURL + "/invoices/" + number);
  assert.equal((await app.textContent("#invoice-state")).trim(), "پرداخت‌شده");
  assert.equal(await app.locator("#invoice-pay").count(), 0);
  assert.match(await app.textContent("#payments"), /درگاه پرداخت/);

  await app.goto(baseURL + "/cases/" + code);
  assert.match(await app.textContent("#case-state"), /بررسی پرداخت/);
  assert.equal(await app.getAttribute("#case-clock .badge", "class"), "badge ok");

  // The printable invoice: Persian digits and a Jalali date; Latin digits only in
  // the case's tracking code, an identifier.
  await app.goto(baseURL + "/invoices/" + number + "/print");
  const printed = (await app.textContent("#print-number")).trim();
  const [year, seq] = printed.split("-");
  assert.ok(persianOnly.test(year) && persianOnly.test(seq), "number " + printed);
  const issued = (await app.textContent("#print-issued")).trim();
  assert.match(issued, /^۱۴[۰-۹]{2}\/[۰-۱][۰-۹]\/[۰-۳][۰-۹]$/);
  assert.equal((await app.textContent("#print-total")).trim(), "۴۹٬۵۰۰٬۰۰۰ ریال");
  for (const part of ["#print-state", "table.lines", ".head"]) {
    assert.doesNotMatch(await app.textContent(part), /[0-9]/, part + " has Latin digits");
  }

  // Every billing page fits a phone.
  await app.setViewportSize({ width: 390, height: 844 });
  for (const path of ["/invoices", "/invoices/" + number, "/invoices/" + number + "/print"]) {
    await app.goto(baseURL + path);
    await fitsWidth(app, 390);
  }
  await app.setViewportSize({ width: 1366, height: 900 });

  // The supervisor's revenue report counts the payment in this Jalali month.
  const sup = await signIn("demo-supervisor", true);
  await sup.click("#nav-billing");
  await sup.waitForSelector("#revenue-table");
  assert.match(await sup.textContent("#revenue-table tbody"), /۴۹٬۵۰۰٬۰۰۰/);
  await sup.setViewportSize({ width: 390, height: 844 });
  await fitsWidth(sup, 390);

  const pdf = await app.request.get(baseURL + "/invoices/" + number + "/pdf");
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()["content-type"], "application/pdf");
  assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
});
