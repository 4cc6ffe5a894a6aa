// Documents on the case page (issue 13, items 1 and 3, and confirmations): the
// applicant's wrong file is refused on the case page itself; a PDF opens in the
// sandboxed viewer; an upload is deleted after a confirmation that says what will
// happen; the expert opens a document of the submitted case on a desktop and on a
// phone, and neither page is wider than the screen.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

const shots = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
mkdirSync(shots, { recursive: true });

// pdf is a one-page PDF that says tag, so the viewer has something to show.
function pdf(tag) {
  const text = "BT /F1 24 Tf 40 120 Td (" + tag.replace(/[()\\]/g, "") + ") Tj ET";
  return Buffer.from("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" +
    "2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n" +
    "3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 420 240] /Contents 4 0 R /Resources <</Font <</F1 5 0 R>>>>>> endobj\n" +
    "4 0 obj <</Length " + text.length + ">> stream\n" + text + "\nendstream endobj\n" +
    "5 0 obj <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>> endobj\n" +
    "trailer <</Root 1 0 R>>\n%%EOF\n");
}

// docID is the ID of the listed document whose file name is name.
async function docID(page, name) {
  const li = page.locator("#documents li", { hasText: name });
  return (await li.getAttribute("id")).replace(/^doc-/, "");
}

async function fitsWidth(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `page is ${w}px wide on a ${width}px screen`);
}

test("the applicant manages uploads and the expert opens them", { timeout: 240000 }, async () => {
  const app = await signIn("demo-applicant", false);
  await app.goto(baseURL + "/certify/apply");
  await app.fill("#product_name_fa", "بایگان اسناد " + Date.now().toString(36));
  await app.fill("#version", "1.0");
  await app.selectOption("#category", "financial");
  await app.selectOption("#deployment", "cloud");
  await app.fill("#contact_name", "علی رضایی");
  await app.fill("#contact_email", "ali@example.org");
  await app.click("#certify-apply-submit");
  await app.waitForSelector("#tracking-code");
  const code = (await app.textContent("#tracking-code")).trim();
  const required = await app.$$eval("#doc-type option", (os) => os.filter((o) => o.textContent.trim().endsWith("*")).map((o) => o.value));
  assert.ok(required.length >= 4, "required documents: " + required);

  // A text file where a PDF is asked for: the case page comes back with the
  // message on the upload form, status 415, the form still there.
  await app.selectOption("#doc-type", "ownership_declaration");
  await app.setInputFiles("#file", { name: "declaration.txt", mimeType: "text/plain", buffer: Buffer.from("not a pdf\n") });
  const [refused] = await Promise.all([app.waitForNavigation(), app.click("#upload")]);
  assert.equal(refused.status(), 415);
  assert.equal((await app.textContent("#tracking-code")).trim(), code);
  const message = (await app.textContent("#upload-error")).trim();
  assert.match(message, /pdf/i);
  assert.equal(await app.getAttribute("#file", "aria-invalid"), "true");
  assert.ok(await app.locator("#upload-form").isVisible());
  await app.setViewportSize({ width: 390, height: 844 });
  await fitsWidth(app, 390);
  await app.locator("#documents").screenshot({ path: shots + "after-documents-error-390.png" });
  await app.setViewportSize({ width: 1366, height: 900 });

  for (const type of required) {
    await app.selectOption("#doc-type", type);
    await app.setInputFiles("#file", { name: type + ".pdf", mimeType: "application/pdf", buffer: pdf(type) });
    await app.click("#upload");
    await app.waitForSelector(`#documents li:has-text("${type}.pdf")`);
  }
  // One more, to be deleted.
  await app.selectOption("#doc-type", "software_registration");
  await app.setInputFiles("#file", { name: "extra.pdf", mimeType: "application/pdf", buffer: pdf("extra") });
  await app.click("#upload");
  await app.waitForSelector('#documents li:has-text("extra.pdf")');

  // The applicant opens their PDF in the viewer: inline, sandboxed, never sniffed.
  const first = await docID(app, required[0] + ".pdf");
  const inline = app.waitForResponse((r) => r.url().endsWith(`/documents/${first}/inline`));
  await app.click(`#view-doc-${first}`);
  await app.waitForSelector("#doc-frame");
  const res = await inline;
  assert.equal(res.status(), 200);
  const h = await res.allHeaders();
  assert.match(h["content-disposition"], /^inline; filename="/);
  assert.match(h["content-security-policy"], /sandbox/);
  assert.equal(h["x-content-type-options"], "nosniff");
  assert.equal(h["content-type"], "application/pdf");
  await app.click("#back-to-case");
  await app.waitForSelector("#tracking-code");

  // Deleting asks first, saying what will happen; only then is the file gone.
  const extra = await docID(app, "extra.pdf");
  assert.equal(await app.isVisible(`#delete-doc-${extra}`), false, "the delete button hides behind the confirmation");
  await app.click(`#delete-doc-${extra}-confirm summary`);
  assert.match(await app.textContent(`#delete-doc-${extra}-confirm`), /extra\.pdf/);
  await app.setViewportSize({ width: 390, height: 844 });
  await fitsWidth(app, 390);
  await app.locator(`#doc-${extra}`).screenshot({ path: shots + "after-documents-delete-390.png" });
  await app.setViewportSize({ width: 1366, height: 900 });
  await app.click(`#delete-doc-${extra}`);
  await app.waitForSelector('#documents li:has-text("extra.pdf")', { state: "detached" });

  // Discarding the draft is also behind a confirmation; the applicant submits instead.
  assert.equal(await app.isVisible("#step-discard"), false);
  await app.click("#step-submit");
  await app.waitForSelector("#step-submit", { state: "detached" });
  assert.equal(await app.locator("[id^=delete-doc-]").count(), 0, "nothing can be deleted once handed in");
  await app.context().close();

  // The expert opens a document of the submitted case, on a desktop and a phone.
  const expert = await signIn("demo-expert", true);
  for (const [width, height] of [[1366, 900], [390, 844]]) {
    await expert.setViewportSize({ width, height });
    await expert.goto(baseURL + "/cases/" + code);
    await fitsWidth(expert, width);
    const seen = expert.waitForResponse((r) => r.url().endsWith(`/documents/${first}/inline`));
    await expert.click(`#view-doc-${first}`);
    await expert.waitForSelector("#doc-frame");
    assert.equal((await seen).status(), 200);
    assert.equal((await expert.textContent("#doc-filename")).trim(), required[0] + ".pdf");
    await fitsWidth(expert, width);
    await expert.waitForTimeout(1000); // let the PDF viewer paint the frame, for the screenshot only
    await expert.screenshot({ path: shots + `after-documents-${width}.png`, fullPage: true });
  }
  await expert.context().close();
});
