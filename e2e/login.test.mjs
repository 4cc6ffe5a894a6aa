// The first flows a person follows: log in as the demo applicant, switch language,
// log out; and a staff login with the second factor.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, totp } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("applicant logs in, switches to English and back, logs out", async () => {
  const page = await browser.newPage();
  await page.goto(baseURL + "/");
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  assert.equal(await page.getAttribute("html", "lang"), "fa");
  await page.click("#nav-login");
  await page.fill("#username", "demo-applicant");
  await page.fill("#password", "demo-password");
  await page.click("#login-submit");
  await page.waitForSelector("#logout");
  await page.click("#nav-profile");
  assert.equal((await page.textContent("#profile-username")).trim(), "demo-applicant");
  // The demo applicant is a member of the demo company and can act for it.
  assert.ok(await page.locator("#org option").count() >= 2);

  await page.click("#lang-switch");
  await page.waitForSelector("html[lang=en]");
  assert.equal(await page.getAttribute("html", "dir"), "ltr");
  assert.match(await page.textContent("h1"), /Account/);
  await page.click("#lang-switch");
  await page.waitForSelector("html[lang=fa]");

  await page.click("#logout");
  await page.waitForSelector("#nav-login");
  await page.goto(baseURL + "/profile");
  assert.match(page.url(), /\/login/);
  await page.close();
});

test("wrong password shows a Persian error tied to the form", async () => {
  const page = await browser.newPage();
  await page.goto(baseURL + "/login");
  await page.fill("#username", "0499370899");
  await page.fill("#password", "not-the-password");
  await page.click("#login-submit");
  const msg = await page.textContent("#form-error");
  assert.match(msg, /گذرواژه/);
  await page.close();
});

test("staff log in with password and TOTP", async () => {
  const page = await browser.newPage();
  await page.goto(baseURL + "/login");
  await page.fill("#username", "demo-expert");
  await page.fill("#password", "demo-password");
  await page.click("#login-submit");
  await page.waitForSelector("#totp");
  await page.fill("#totp", totp("JBSWY3DPEHPK3PXP"));
  await page.click("#totp-submit");
  await page.waitForSelector("#logout");
  await page.click("#nav-profile");
  assert.equal((await page.textContent("#profile-username")).trim(), "demo-expert");
  await page.close();
});
