// The dispute path in the browser (issue 5, SLA C-4.5, §7): the demo company reports
// a CERT incident, opens a negotiation about it and escalates it to a complaint; the
// committee reviews it, cannot decide before the catalog's quorum (3), then decides
// once three members have voted; the applicant reads the announced result and
// acknowledges it.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins, reportIncident } from "./helpers.mjs";

const company = "10101234565";
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

// vote casts a committee member's vote on the complaint page.
async function vote(page, url, outcome) {
  await page.goto(url);
  await page.selectOption("#vote-outcome", outcome);
  await page.click("#cast-vote");
  await page.waitForSelector("#vote-count");
}

test("a negotiation becomes a complaint, the committee decides with quorum, the applicant reads the result", { timeout: 240000 }, async () => {
  // The company reports an incident (no documents are mandatory) and submits it.
  const app = await signIn(company, false);
  const code = await reportIncident(app, "گزارش حادثه: کارگزار پرونده‌ها از دسترس خارج شد");
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}$/);

  // It opens a negotiation about the case, then escalates it to a complaint (§7).
  await app.goto(baseURL + "/complaints?case=" + encodeURIComponent(code));
  await app.fill("#dispute-case", code);
  await app.selectOption("#dispute-subject", "delay");
  await app.fill("#dispute-body", "گزارش حادثه بی‌پاسخ مانده است");
  await app.click("#open-dispute");
  await app.waitForSelector("#dispute-code");
  assert.match(await app.textContent("#dispute-state"), /مذاکره|Negotiat/);
  await app.fill("#escalate-body", "مذاکره به نتیجه نرسید");
  await app.click("#escalate");
  await app.waitForSelector("#complaint-code, #escalated-complaint");
  if (await app.locator("#escalated-complaint").count()) {
    await app.click("#escalated-complaint");
    await app.waitForSelector("#complaint-code");
  }
  const complaintURL = app.url().replace(/[?#].*$/, "");
  assert.match(complaintURL, /\/complaints\/\d+$/);
  const tracking = (await app.textContent("#complaint-code")).trim();

  // The committee reviews it; one vote is not the quorum of three.
  const member = await signIn("demo-committee", true);
  await member.goto(complaintURL);
  assert.equal((await member.textContent("#complaint-code")).trim(), tracking);
  assert.equal(await member.locator("#excluded-notice").count(), 0, "a member who did not act on the case is not excluded");
  await member.fill("#finding-body", "پاسخ در مهلت داده نشده است");
  await member.click("#add-finding");
  await member.waitForSelector("#entries");
  await vote(member, complaintURL, "upheld");
  await member.fill("#decision-reasons-input", "گزارش حادثه در مهلت پاسخ داده نشد");
  await member.check('input[name="remedy"][value="apology"]');
  await member.click("#decide-button");
  await member.waitForSelector("#error-message");
  assert.match(await member.textContent("#error-message"), /حد نصاب|quorum/);

  // Two more members vote; now the decision is recorded and announced.
  for (const user of ["demo-committee-2", "demo-committee-3"]) {
    const other = await signIn(user, true);
    await vote(other, complaintURL, "upheld");
    await other.context().close();
  }
  await member.goto(complaintURL);
  await member.fill("#decision-reasons-input", "گزارش حادثه در مهلت پاسخ داده نشد");
  await member.check('input[name="remedy"][value="apology"]');
  await member.click("#decide-button");
  await member.waitForSelector("#decision-outcome");
  await member.context().close();

  // The applicant reads the announced result with its reasons and acknowledges it.
  await app.goto(complaintURL);
  assert.match(await app.textContent("#complaint-state"), /اعلام|announced/i);
  assert.match(await app.textContent("#decision-outcome"), /وارد|upheld/i);
  assert.equal((await app.textContent("#decision-reasons")).trim(), "گزارش حادثه در مهلت پاسخ داده نشد");
  assert.equal(await app.locator("#votes").count(), 0, "the applicant does not see the deliberation");
  await app.click("#acknowledge");
  await app.waitForSelector("#acknowledge", { state: "detached" });
  await app.context().close();
});
