// CERTIFY end to end in the browser (issue 6): the applicant fills the application,
// uploads the documents and submits; the expert accepts the documents and passes the
// technical review with the checklist; a different person, the signer, approves;
// the public registry shows the certificate at once (SLA Z-4.1).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

function pdf(tag) {
  return Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + tag + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
}

test("a product goes from application to a published certificate", { timeout: 180000 }, async () => {
  const product = "دفتر کل یکپارچه " + Date.now().toString(36);

  // The applicant fills in the application form and saves the draft.
  const app = await signIn("demo-applicant", false);
  await app.goto(baseURL + "/cases");
  await app.click("#certify-apply");
  await app.fill("#product_name_fa", product);
  await app.fill("#product_name_en", "Integrated Ledger");
  await app.fill("#version", "3.1");
  await app.selectOption("#category", "financial");
  await app.fill("#platform", "Web");
  await app.selectOption("#deployment", "on_premise");
  await app.fill("#contact_name", "علی رضایی");
  await app.fill("#contact_email", "ali.rezaei@example.org");
  await app.click("#certify-apply-submit");
  await app.waitForSelector("#tracking-code");
  const code = (await app.textContent("#tracking-code")).trim();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}$/);

  // It uploads every document the catalog lists as always required, then submits.
  const required = await app.$$eval("#doc-type option", (os) => os.filter((o) => o.textContent.trim().endsWith("*")).map((o) => o.value));
  assert.ok(required.length >= 4, "required documents listed: " + required);
  for (const type of required) {
    await app.selectOption("#doc-type", type);
    await app.setInputFiles("#file", { name: type + ".pdf", mimeType: "application/pdf", buffer: pdf(type) });
    await app.click("#upload");
    await app.waitForSelector(`#documents li:has-text("${type}.pdf")`);
  }
  await app.click("#step-submit");
  await app.waitForSelector("#step-submit", { state: "detached" });
  await app.context().close();

  // The expert accepts the documents and passes the review, criterion by criterion.
  const expert = await signIn("demo-expert", true);
  await expert.goto(baseURL + "/cases/" + code);
  await expert.click("#step-accept_documents");
  await expert.waitForSelector("#certify-details");
  // The review steps need the checklist: the case page sends the expert to it
  // instead of offering bare pass/fail buttons.
  await expert.waitForSelector("#certify-review");
  assert.equal(await expert.locator("#step-pass_review, #step-fail_criteria").count(), 0);
  await expert.click("#certify-review a");
  await expert.waitForSelector("#certify-review-form");
  assert.equal((await expert.textContent("#certify-product")).trim(), product);
  for (let i = 1; i <= 8; i++) await expert.check(`#pass-R-${i}`);
  await expert.click("#review-pass");
  await expert.waitForSelector("#tracking-code");
  await expert.context().close();

  // The signer, who did not review it, signs; the certificate is issued.
  const signer = await signIn("demo-signer", true);
  await signer.goto(baseURL + "/cases/" + code + "/certify");
  assert.ok(await signer.locator("#certify-reviews").count(), "the signer sees the review");
  await signer.click("#certify-back");
  // Signing is irreversible: it is asked for with a summary (issue 13).
  await signer.click("#confirm-approve summary");
  await signer.click("#step-approve");
  await signer.waitForSelector("#step-approve", { state: "detached" });
  await signer.click("#certify-details");
  await signer.waitForSelector("#certify-certificate-link");
  const number = (await signer.textContent("#certify-certificate-link")).trim();
  assert.match(number, /^CRT-\d{4}-\d{6}$/);
  await signer.context().close();

  // Anyone, without logging in, finds it in the public registry at once.
  const pub = await browser.newPage();
  await pub.goto(baseURL + "/registry/" + number);
  assert.equal((await pub.textContent("#cert-number")).trim(), number);
  assert.match(await pub.textContent("h1"), new RegExp(product));
  await pub.goto(baseURL + "/registry?q=" + encodeURIComponent(product));
  assert.match(await pub.textContent("main"), new RegExp(number));
  await pub.close();
});
