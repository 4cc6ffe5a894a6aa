// Data for the page sweeps (issue 13): one issued certificate, one case waiting in
// technical review, and a complaint with a committee vote, made through the pages a
// person uses, so every kind of page has something to show.
import { baseURL, reportIncident } from "./helpers.mjs";

function pdf(tag) {
  return Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + tag + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
}

// apply fills the CERTIFY application, uploads the required documents and submits.
export async function apply(app, product) {
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
  const required = await app.$$eval("#doc-type option", (os) => os.filter((o) => o.textContent.trim().endsWith("*")).map((o) => o.value));
  for (const type of required) {
    await app.selectOption("#doc-type", type);
    await app.setInputFiles("#file", { name: type + ".pdf", mimeType: "application/pdf", buffer: pdf(type) });
    await app.click("#upload");
    await app.waitForSelector(`#documents li:has-text("${type}.pdf")`);
  }
  await app.click("#step-submit");
  await app.waitForSelector("#step-submit", { state: "detached" });
  return code;
}

// seedSweepData makes the data and returns {issued, inReview, certificate, complaintURL}.
// signIn is the helper of logins(); each staff account signs in once here.
export async function seedSweepData(signIn) {
  const app = await signIn("demo-applicant", false);
  const issued = await apply(app, "دفتر کل یکپارچه " + Date.now().toString(36));
  const inReview = await apply(app, "سامانه انبار " + Date.now().toString(36));
  await app.context().close();

  const expert = await signIn("demo-expert", true);
  for (const code of [issued, inReview]) {
    await expert.goto(baseURL + "/cases/" + code);
    await expert.click("#step-accept_documents");
    await expert.waitForSelector("#certify-review");
  }
  await expert.goto(baseURL + "/cases/" + issued);
  await expert.click("#certify-review a");
  await expert.waitForSelector("#certify-review-form");
  for (let i = 1; i <= 8; i++) await expert.check(`#pass-R-${i}`);
  await expert.click("#review-pass");
  await expert.waitForSelector("#tracking-code");
  await expert.context().close();

  const signer = await signIn("demo-signer", true);
  await signer.goto(baseURL + "/cases/" + issued + "/certify");
  await signer.click("#certify-back");
  // Signing is irreversible: it is asked for with a summary (issue 13).
  await signer.click("#confirm-approve summary");
  await signer.click("#step-approve");
  await signer.waitForSelector("#step-approve", { state: "detached" });
  await signer.click("#certify-details");
  await signer.waitForSelector("#certify-certificate-link");
  const certificate = (await signer.textContent("#certify-certificate-link")).trim();
  await signer.context().close();

  // The company reports an incident, negotiates, escalates; one member votes.
  const org = await signIn("10101234565", false);
  const incident = await reportIncident(org, "گزارش حادثه: کارگزار پرونده‌ها از دسترس خارج شد");
  await org.goto(baseURL + "/complaints?case=" + encodeURIComponent(incident));
  await org.fill("#dispute-case", incident);
  await org.selectOption("#dispute-subject", "delay");
  await org.fill("#dispute-body", "گزارش حادثه بی‌پاسخ مانده است");
  await org.click("#open-dispute");
  await org.waitForSelector("#dispute-code");
  const disputeURL = org.url().replace(/[?#].*$/, "");
  await org.fill("#escalate-body", "مذاکره به نتیجه نرسید");
  await org.click("#escalate");
  await org.waitForSelector("#complaint-code, #escalated-complaint");
  if (await org.locator("#escalated-complaint").count()) {
    await org.click("#escalated-complaint");
    await org.waitForSelector("#complaint-code");
  }
  const complaintURL = org.url().replace(/[?#].*$/, "");
  await org.context().close();

  const member = await signIn("demo-committee", true);
  await member.goto(complaintURL);
  await member.selectOption("#vote-outcome", "upheld");
  await member.click("#cast-vote");
  await member.waitForSelector("#vote-count");
  await member.context().close();
  return { issued, inReview, incident, certificate, disputeURL, complaintURL };
}
