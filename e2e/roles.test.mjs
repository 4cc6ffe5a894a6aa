// Each role's home and deliberate decisions (issue 13): the applicant gets a receipt
// after submitting, sees time left and searches their cases, reads a failed review
// as a request with the input to answer it, finds the certificate on the issued case
// and rates it with no score chosen beforehand; staff land on the queue that has
// work, whose rows say what, who and how long, with search and filters; a visit with
// two mistakes shows both in place; the signer sees a preview of what will be issued
// and who reviewed it, and confirms separately from rejecting; the admin's outage
// form has a Jalali date-time picker and service names.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins } from "./helpers.mjs";
import { apply } from "./seed.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

const text = async (page, sel) => (await page.textContent(sel)).trim();

test("applicant, expert and signer live in their homes; decisions are deliberate", { timeout: 420000 }, async () => {
  const product = "دفتر حساب " + Date.now().toString(36);
  const app = await signIn("demo-applicant", false);

  // The service card offers "Apply" to the signed-in applicant; CERTIFY's opens its form.
  await app.goto(baseURL + "/services/certify");
  assert.equal(await app.getAttribute("#apply-application", "href"), "/certify/apply");

  // Submitting opens the receipt: tracking code, next step and by when, printable.
  const code = await apply(app, product);
  assert.match(app.url(), /receipt=1/);
  // The URL changes when the answer starts to arrive; wait for the receipt's last
  // element so that a page still being parsed on a loaded machine is not read half.
  await app.waitForSelector("#receipt-print-link");
  assert.match(await text(app, "#receipt"), new RegExp(code));
  await app.click("#receipt-print-link");
  assert.equal(await text(app, "#receipt-code"), code);
  assert.ok((await text(app, "#receipt-next")).length > 0, "the receipt says what happens next");
  assert.ok((await text(app, "#receipt-due")).length > 0, "the receipt says by when");
  assert.ok(await app.locator("#receipt-print[data-print]").count());

  // My cases: due date and time left, and a search that finds the case by its product.
  await app.goto(baseURL + "/cases?q=" + encodeURIComponent(product));
  const mine = app.locator(`#my-cases tr[data-code="${code}"]`);
  assert.equal(await app.locator("#my-cases tbody tr").count(), 1);
  assert.equal(await mine.locator(".time-left").getAttribute("data-urgency"), "ok");
  assert.match(await mine.locator(".time-left").textContent(), /مانده/);
  await app.fill("#my-cases-q", "هیچ‌چیز-" + Date.now());
  await app.click("#my-cases-find");
  await app.waitForSelector("#my-cases-empty");

  // Staff land on their work: the expert (cert and certify) opens on certify, where
  // the case waits, not on the empty cert queue that sorts first.
  const expert = await signIn("demo-expert", true);
  assert.match(expert.url(), /\/queue\?service=certify/);
  const row = expert.locator(`#queue tr[data-code="${code}"]`);
  assert.match(await row.locator(".subject").textContent(), new RegExp(product));
  assert.match(await row.locator(".applicant").textContent(), /علی رضایی/);
  assert.equal(await row.locator(".time-left").getAttribute("data-urgency"), "ok");
  assert.equal(await row.locator("button").count(), 1, "an unclaimed case offers claim");
  await expert.fill("#queue-q", product);
  await expert.click("#queue-filter");
  assert.equal(await expert.locator("#queue tbody tr").count(), 1);
  await row.locator("button").click();
  await expert.waitForURL(new RegExp("/cases/" + code));
  await expert.goto(baseURL + "/queue?service=certify&q=" + encodeURIComponent(product));
  assert.equal(await row.locator(".assignee").textContent(), "کارشناس نمونه");
  assert.equal(await row.locator("button").count(), 0, "no claim on a claimed case");
  await expert.goto(baseURL + "/queue?service=certify&show=unassigned&q=" + encodeURIComponent(product));
  await expert.waitForSelector("#queue-empty");

  // A visit with a day that does not exist and no reason: both shown in place.
  await expert.goto(baseURL + "/cases/" + code);
  await expert.selectOption("#visit-date-month", "12");
  await expert.selectOption("#visit-date-day", "31");
  await expert.fill("#visit-reason", "");
  const [visit] = await Promise.all([expert.waitForResponse((r) => r.url().endsWith("/visits")), expert.click("#record-visit")]);
  assert.equal(visit.status(), 400);
  assert.match(expert.url(), new RegExp("/cases/" + code + "/visits$"));
  await expert.waitForLoadState("load"); // the response may still be arriving under load
  assert.ok(await expert.locator("#visit-date-error").count(), "the date's problem is shown");
  assert.ok(await expert.locator("#visit-reason-error").count(), "the reason's problem is shown at the same time");
  assert.equal(await expert.getAttribute("#visit-reason", "aria-invalid"), "true");

  // The expert accepts the documents and fails one criterion with a note.
  await expert.goto(baseURL + "/cases/" + code);
  await expert.click("#step-accept_documents");
  await expert.waitForSelector("#certify-review");
  await expert.click("#certify-review a");
  await expert.waitForSelector("#certify-review-form");
  assert.equal(await expert.locator("label[for=note-R-1]").count(), 1, "each note has its label");
  for (let i = 1; i <= 8; i++) await expert.check(`#pass-R-${i}`);
  await expert.check("#fail-R-3");
  await expert.fill("#note-R-3", "رمزها بدون نمک ذخیره می‌شوند");
  await expert.fill("#review-reason", "یک معیار برآورده نشد");
  await expert.click("#review-fail");
  await expert.waitForSelector("#certify-review-form", { state: "detached" });

  // The applicant reads the failure as a request, with the notes and an input to answer.
  await app.goto(baseURL + "/cases/" + code);
  assert.match(await text(app, "#info-request"), /رمزها بدون نمک ذخیره می‌شوند/);
  assert.ok(await app.locator("#info-request #request-answer").count(), "the request has its answer box");
  await app.fill("#request-answer", "نمک افزوده شد");
  await app.click("#request-send");
  await app.waitForURL(new RegExp("/cases/" + code + "$"));
  await app.click("#step-resubmit_review");
  await app.waitForSelector("#step-resubmit_review", { state: "detached" });

  // "Pass all" passes every criterion at once.
  await expert.goto(baseURL + "/cases/" + code + "/certify");
  await expert.click("#review-pass-all");
  await expert.waitForSelector("#certify-review-form", { state: "detached" });
  await expert.goto(baseURL + "/cases/" + code);
  assert.match(await text(expert, "#case-state"), /تأیید|امضا|approval/i);
  await expert.context().close();

  // The signer sees what will be issued and who reviewed it; sign and reject are
  // separate forms, the reject form records a rejection, and signing asks first.
  const signer = await signIn("demo-signer", true);
  await signer.goto(baseURL + "/cases/" + code);
  assert.match(await text(signer, "#preview-subject"), new RegExp(product));
  assert.match(await text(signer, "#preview-reviewer"), /کارشناس نمونه/);
  assert.equal(await signer.locator("select[name=decision]").count(), 0, "no decision defaults to approve");
  assert.equal(await signer.getAttribute("#decision-reject", "data-decision"), "reject");
  assert.equal(await signer.getAttribute("#decision-approve", "data-decision"), "approve");
  assert.equal(await signer.locator("#step-approve").isVisible(), false, "signing waits for the confirmation");
  await signer.click("#confirm-approve summary");
  assert.match(await text(signer, "#confirm-approve .confirm-summary"), /بازگشت‌پذیر نیست/);
  await signer.click("#step-approve");
  await signer.waitForSelector("#step-approve", { state: "detached" });
  await signer.context().close();

  // The issued case shows its certificate; it takes no more messages or questions,
  // and the feedback form has no score chosen: sent empty, both scores are marked.
  await app.goto(baseURL + "/cases/" + code);
  assert.match(await text(app, "#case-certificate-link"), /^CRT-/);
  assert.equal(await app.locator("#body").count(), 0, "no message form on a closed case");
  assert.equal(await app.locator("#question-body").count(), 0, "no question form on a closed case");
  assert.equal(await app.inputValue("#service-rating"), "");
  assert.equal(await app.inputValue("#courtesy-rating"), "");
  const [fb] = await Promise.all([app.waitForResponse((r) => r.url().endsWith("/feedback")), app.click("#send-feedback")]);
  assert.equal(fb.status(), 400);
  assert.ok(await app.locator("#service-rating-error").count() && await app.locator("#courtesy-rating-error").count(),
    "both missing scores are shown at once");
  await app.selectOption("#service-rating", "5");
  await app.selectOption("#courtesy-rating", "4");
  await app.click("#send-feedback");
  await app.waitForSelector("#feedback p");

  // Acting for the company shows in the header.
  await app.goto(baseURL + "/profile");
  await app.selectOption("#org", { index: 1 });
  await app.click("form[action='/profile/acting'] button");
  await app.waitForSelector("#acting-for");
  assert.match(await text(app, "#acting-for"), /پارس‌داده/);
  await app.context().close();
});

test("the admin's outage form has a Jalali date-time picker and service names", { timeout: 120000 }, async () => {
  const admin = await signIn("demo-admin", true);
  assert.match(admin.url(), /\/admin$/, "an administrator without a service lands on the admin index");
  await admin.goto(baseURL + "/admin/outages");
  const labels = await admin.$$eval("input[name=services]", (xs) => xs.map((x) => x.parentElement.textContent.trim()));
  assert.ok(labels.length > 0 && labels.every((l) => !/^(cert|certify)$/.test(l)), "services by name: " + labels);
  assert.ok(await admin.locator("#start-month option", { hasText: "دی" }).count(), "months by Jalali name");
  await admin.check("input[name=services] >> nth=0");
  await admin.selectOption("#kind", "planned");
  const year = await admin.$eval("#start-year option:last-child", (o) => o.value);
  for (const f of ["start", "end"]) {
    await admin.selectOption(`#${f}-year`, year);
    await admin.selectOption(`#${f}-month`, "2");
    await admin.selectOption(`#${f}-day`, "3");
  }
  await admin.fill("#start-time", "08:00");
  await admin.fill("#end-time", "10:30");
  await admin.fill("#notice_fa", "به‌روزرسانی برنامه‌ریزی‌شده");
  await admin.click("form[action='/admin/outages'] button[type=submit]");
  await admin.waitForSelector("#admin-upcoming tbody tr");
  const fa = (s) => s.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  assert.match(await text(admin, "#admin-upcoming tbody tr"), new RegExp(fa(year + "/02/03 08:00")));
  await admin.context().close();
});
