// Accessibility (issue 13, "Everywhere"): axe-core checks the signed-in pages of
// every role, and the public ones, in Persian and on a few pages in English; no
// page may have a serious or critical violation. axe.min.js comes from the
// axe-core devDependency (cd e2e && npm ci), or from AXE_PATH.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { baseURL, launch, logins } from "./helpers.mjs";
import { seedSweepData } from "./seed.mjs";

const axePath = process.env.AXE_PATH || (() => {
  try {
    return createRequire(import.meta.url).resolve("axe-core/axe.min.js");
  } catch {
    return "";
  }
})();

let browser;
before(async () => {
  assert.ok(axePath && existsSync(axePath), "axe-core is not installed: cd e2e && npm ci");
  browser = await launch();
});
after(async () => { await browser?.close(); });

// The pages forbid inline script (CSP); axe is injected by the test alone, so its
// contexts bypass the policy.
const { signIn, waitOutLastStep } = logins(() => ({ newContext: (o) => browser.newContext({ ...o, bypassCSP: true }) }));
after(waitOutLastStep);

// check runs axe on url and returns its serious and critical violations as lines.
async function check(page, url) {
  await page.goto(baseURL + url, { waitUntil: "load" });
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  return found.map((f) => `${url}: ${f}`);
}

test("no serious or critical accessibility violation on any role's pages", { timeout: 600000 }, async () => {
  const d = await seedSweepData(signIn);
  const c = (code) => "/cases/" + code;
  const rel = (u) => u.replace(baseURL, "");
  // Roles that seeding did not sign in go first, so the TOTP steps of those it did
  // have passed by the time they sign in again.
  const roles = [
    ["demo-applicant", false, ["/", "/cases", c(d.issued), c(d.issued) + "/certify", c(d.issued) + "/receipt", c(d.inReview),
      "/questions", "/complaints", "/inbox", "/profile", "/certify/apply", "/services/certify", "/registry/" + d.certificate]],
    ["10101234565", false, ["/cases", c(d.incident), "/org/members", rel(d.disputeURL), rel(d.complaintURL)]],
    ["demo-supervisor", true, ["/queue?service=certify", "/feedback?service=certify", c(d.inReview)]],
    ["demo-admin", true, ["/admin", "/admin/accounts", "/admin/audit", "/admin/outages", "/admin/calendar", "/admin/roster"]],
    ["demo-editor", true, ["/admin/services"]],
    ["demo-expert", true, ["/queue", "/queue?service=certify&q=x", c(d.inReview), c(d.inReview) + "/certify", "/questions"]],
    ["demo-signer", true, ["/queue?service=certify", c(d.issued)]],
    ["demo-committee", true, ["/complaints", rel(d.complaintURL)]],
  ];
  const problems = [];
  let pages = 0;
  for (const [user, staff, urls] of roles) {
    const page = await signIn(user, staff);
    for (const url of urls) {
      problems.push(...await check(page, url));
      pages++;
    }
    if (user === "demo-applicant") {
      await page.context().addCookies([{ name: "lang", value: "en", url: baseURL }]);
      for (const url of ["/cases", c(d.issued)]) {
        problems.push(...await check(page, url));
        pages++;
      }
    }
    await page.context().close();
  }
  assert.ok(pages >= 35, `only ${pages} pages were checked`);
  assert.deepEqual(problems, [], "serious or critical violations:\n" + problems.join("\n"));
});
