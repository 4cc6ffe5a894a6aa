// White-hat competitions (SLA M-4.2's programme, §6 fees): the CERT supervisor opens
// a competition with an entry fee; the company enrols a system and is taken to the
// invoice of its entry, with the reason; until the invoice is paid the system is not
// listed to researchers. Every page fits a 390 px phone.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
const { signIn, waitOutLastStep } = logins(() => browser);
before(async () => { browser = await launch(); });
after(async () => { await waitOutLastStep(); await browser?.close(); });

test("a system enrolled in a paid competition is listed only after its fee is paid", async () => {
  const staff = await signIn("demo-supervisor", true);
  await staff.goto(baseURL + "/whitehat");
  const title = "مسابقه کلاه‌سفید درگاه‌ها " + Date.now();
  await staff.fill("#wt-title", title);
  await staff.fill("#wt-fee", "۲۵۰۰۰۰۰۰۰");
  await staff.click("form[action='/whitehat'] button[type=submit]");
  await staff.waitForURL(/\/whitehat\/\d+$/);
  const compURL = staff.url();
  await staff.click(`form[action$='/open'] button`);
  await staff.waitForURL(compURL);

  const company = await signIn("10101234565", false);
  await company.goto(compURL);
  await company.fill("#wt-name", "درگاه پرداخت نمونه");
  await company.fill("#wt-scope", "pay.example.ir");
  await company.click(`form[action$='/systems'] button`);
  await company.waitForURL(/\/invoices\/[0-9-]+$/);
  const flash = await company.textContent("body");
  assert.match(flash, /پس از پرداخت هزینهٔ ورود/);
  assert.match(flash, /۲۵۰٬۰۰۰٬۰۰۰/, flash);

  // Not yet in the competition: researchers see no system to report against.
  const researcher = await signIn("demo-applicant", false);
  await researcher.goto(compURL);
  assert.equal(await researcher.locator("#wt-system").count(), 0, "an unpaid system is offered to researchers");
  assert.doesNotMatch(await researcher.textContent("main"), /درگاه پرداخت نمونه/);

  for (const [page, path] of [[company, company.url()], [company, compURL], [staff, baseURL + "/whitehat"]]) {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(path);
    if (process.env.MIZ_SHOTS) await page.screenshot({ path: `${process.env.MIZ_SHOTS}/whitehat-${path.split("/").slice(-2).join("-")}-390.png`, fullPage: true });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `${path} is ${wide} px wide at 390`);
  }
});
