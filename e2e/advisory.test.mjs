// Issue 16, SLA M-4.1: the CERT's advisories. One editor drafts an advisory and
// sends it for review; the author cannot publish it (four eyes); a second editor
// publishes it; the public then finds it in the list, by a search typed with
// Arabic letters, on its page with Jalali dates and Persian digits, in the Atom
// feed, the JSON API and the CSAF provider. At 390 px the list does not scroll sideways.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
const { signIn, waitOutLastStep } = logins(() => browser);
before(async () => { browser = await launch(); });
after(async () => { await waitOutLastStep(); await browser?.close(); });

test("an editor drafts, a second editor publishes, the public finds the advisory", async () => {
  const author = await signIn("demo-editor", true);
  await author.goto(baseURL + "/cert/advisories/new");
  await author.selectOption("#severity", "critical");
  await author.fill("#title_fa", "آسیب‌پذیری بحرانی در نامه‌رسان نمونه");
  await author.fill("#title_en", "Critical flaw in Sample mailer");
  await author.fill("#summary_fa", "اجرای کد از راه دور بدون احراز هویت.");
  await author.fill("#products", "Sample mailer: 3.1, 3.2");
  await author.fill("#cves", "CVE-2026-4242");
  // A bad CVSS vector is refused on its field, and what was typed stays.
  await author.fill("#cvss", "CVSS:3.1/AV:Q");
  await author.fill("#remediation_fa", "به نسخه ۳٫۳ به‌روزرسانی کنید.");
  await author.fill("#references", "https://example.org/mailer");
  await author.click("#advisory-save");
  await author.waitForSelector(".field-error");
  assert.equal(await author.inputValue("#title_fa"), "آسیب‌پذیری بحرانی در نامه‌رسان نمونه");
  await author.fill("#cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  await author.click("#advisory-save");
  await author.waitForSelector("#advisory-submit");
  const workURL = author.url();
  // A hardening-guide package goes with the advisory.
  await author.setInputFiles("#file", { name: "hardening.txt", mimeType: "text/plain", buffer: Buffer.from("Disable SMTP AUTH PLAIN.\n") });
  await author.click("#advisory-attach button[type=submit]");
  await author.waitForSelector("#advisory-files");
  await author.click("#advisory-submit");
  await author.waitForSelector('[data-state="review"]');
  assert.equal(await author.locator("#advisory-publish").count(), 0, "the author is offered the publish button");

  const reviewer = await signIn("demo-editor-2", true);
  await reviewer.goto(baseURL + "/cert/advisories");
  await reviewer.click("#advisory-desk a");
  assert.equal(reviewer.url(), workURL);
  await reviewer.click("#advisory-publish");
  await reviewer.waitForSelector('[data-state="published"]');
  const id = (await reviewer.locator("#advisory-state a bdi").textContent()).trim();
  assert.match(id, /^MIZ-\d{4}-\d{4}$/);

  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const pub = await ctx.newPage();
  await pub.goto(baseURL + "/advisories?q=" + encodeURIComponent("نامه‌رسان"));
  await pub.waitForSelector("#advisory-results");
  assert.ok((await pub.textContent("#advisory-results")).includes(id));
  // Typed with Arabic yeh and kaf and without the half-space, the search still finds it.
  await pub.goto(baseURL + "/advisories?q=" + encodeURIComponent("آسيب پذيري"));
  assert.ok((await pub.textContent("#advisory-results")).includes(id));
  const wide = await pub.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(wide, false, "the list scrolls sideways at 390 px");
  await pub.click(`a[href="/advisories/${id}"]`);
  await pub.waitForSelector("#advisory-history");
  const history = await pub.textContent("#advisory-history");
  assert.match(history, /[۰-۹]{4}/, "revision dates are not Jalali with Persian digits");

  const pkg = await pub.getAttribute("#advisory-files a", "href");
  assert.equal(await (await fetch(baseURL + pkg)).text(), "Disable SMTP AUTH PLAIN.\n");

  const feed = await (await fetch(baseURL + "/advisories/feed.atom")).text();
  assert.ok(feed.includes(id), "the Atom feed lacks the advisory");
  const api = await (await fetch(baseURL + "/api/v1/advisories/" + id)).json();
  assert.equal(api.advisory.content.cvss, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  const csaf = await (await fetch(api.csaf_url)).json();
  assert.equal(csaf.document.tracking.id, id);
  assert.equal(csaf.document.category, "csaf_security_advisory");
  await ctx.close();
});
