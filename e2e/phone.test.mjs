// Phones (issue 13, "Everywhere"): no page is wider than a 390 px screen. Every demo
// role signs in, walks the pages it reaches (seed pages plus the links it finds, up
// to a bound) at 390×844 in Persian and in English, and each page's scrollWidth must
// be at most 390. With MIZ_SHOTS=DIR and MIZ_SHOTS_PREFIX=before|after it also saves
// phone screenshots of the five most-used pages.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins } from "./helpers.mjs";
import { seedSweepData } from "./seed.mjs";

const width = 390;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

// skip lists links that are not pages (downloads, feeds, images, sign-in redirects).
const skip = /\/api\/|\/statement$|\/signed\.json$|\.csv(\?|$)|\/documents\/|\.atom$|\.png$|\.pdf$|jwks\.json$|\/log\/key$|\/login\/oidc|\/assets\/|\/pdf$/;

// measure visits url and returns the page's scroll width.
async function measure(page, url) {
  await page.goto(url, { waitUntil: "load" });
  return page.evaluate(() => document.documentElement.scrollWidth);
}

// sweep walks seeds, then same-origin links found on them, in one language.
// Pages in exclude (the public ones, already measured signed out) are not visited again.
async function sweep(page, lang, seeds, limit, wide, exclude = new Set()) {
  await page.context().addCookies([{ name: "lang", value: lang, url: baseURL }]);
  const seen = new Set(exclude);
  const queue = seeds.map((s) => new URL(s, baseURL).href);
  let visited = 0;
  const landed = new Set();
  while (queue.length && visited < limit) {
    const url = queue.shift();
    const key = url.replace(/[?#].*$/, "");
    if (seen.has(key) || skip.test(key)) continue;
    seen.add(key);
    visited++;
    const w = await measure(page, url);
    if (page.url().replace(/[?#].*$/, "") === key) landed.add(key);
    if (w > width) wide.push(`${lang} ${url.replace(baseURL, "")}: ${w}px`);
    const links = await page.$$eval("a[href]:not([download])", (as) => as.map((a) => a.href));
    for (const l of links) if (l.startsWith(baseURL) && !skip.test(l)) queue.push(l);
  }
  return { visited, landed };
}

const roles = [
  ["demo-applicant", false], ["10101234565", false], ["demo-expert", true], ["demo-supervisor", true],
  ["demo-signer", true], ["demo-committee", true], ["demo-editor", true], ["demo-responder", true],
  ["demo-analyst", true], ["demo-admin", true],
];

test("every page of every role fits a 390 px phone, in Persian and English", { timeout: 600000 }, async () => {
  const d = await seedSweepData(signIn);
  const common = ["/", "/services", "/services/certify", "/services/certify/sla", "/services/certify/performance",
    "/services/cert/sla", "/status", "/registry", "/registry/" + d.certificate, "/registry/" + d.certificate + "/print",
    "/changes", "/cases", "/queue", "/cases/" + d.issued, "/cases/" + d.inReview, "/cases/" + d.inReview + "/certify",
    "/cases/" + d.issued + "/certify", "/cases/" + d.incident, d.complaintURL, d.disputeURL, "/complaints",
    "/questions", "/feedback", "/profile", "/admin/accounts", "/admin/calendar", "/admin/outages", "/admin/services"];
  const wide = [];
  let pages = 0;

  const anon = await browser.newContext({ viewport: { width, height: 844 } });
  const p = await anon.newPage();
  let publicPages = new Set();
  for (const lang of ["fa", "en"]) {
    const r = await sweep(p, lang, ["/", "/login", "/register", "/track", "/password/forgot", ...common], 60, wide);
    pages += r.visited;
    publicPages = r.landed;
  }
  // A signed-in person still sees the public pages; measure the main ones once more.
  for (const s of ["/", "/services/certify/sla", "/services/certify/performance", "/registry"]) publicPages.delete(baseURL + s);
  await anon.close();

  for (const [user, staff] of roles) {
    const page = await signIn(user, staff);
    await page.setViewportSize({ width, height: 844 });
    for (const lang of ["fa", "en"]) pages += (await sweep(page, lang, common, 40, wide, publicPages)).visited;
    if (process.env.MIZ_SHOTS && (user === "demo-applicant" || user === "demo-expert")) {
      await shots(page, user, d);
    }
    await page.context().close();
  }
  assert.ok(pages > 150, `visited ${pages} pages`);
  assert.deepEqual(wide, [], "pages wider than the screen");
});

// shots saves the five most-used pages at phone width (Persian).
async function shots(page, user, d) {
  const dir = process.env.MIZ_SHOTS, pre = process.env.MIZ_SHOTS_PREFIX || "after";
  await page.context().addCookies([{ name: "lang", value: "fa", url: baseURL }]);
  const list = user === "demo-applicant"
    ? [["home", "/"], ["sla", "/services/certify/sla"], ["my-cases", "/cases"], ["case", "/cases/" + d.inReview]]
    : [["queue", "/queue"]];
  for (const [name, path] of list) {
    await page.goto(baseURL + path);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(`shot ${pre}-${name}: scrollWidth ${w}px`);
    await page.screenshot({ path: `${dir}/${pre}-${name}.png`, fullPage: true });
  }
}
