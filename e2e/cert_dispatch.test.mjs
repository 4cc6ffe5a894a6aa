// The CERT's reactive line after triage, in the browser (issue 15): the company
// reports an incident and grants scoped access; it asks for a team, which
// the responder records, dispatches and marks arrived, the dispatch clock shown to
// the applicant (M-4.4); an analyst writes the technical report, a second person
// reviews it, makes its redacted public-warning draft and delivers it (D-3); the
// applicant downloads the PDF and the signed JSON, whose signature verifies under
// the published keys, and never sees the warning draft.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { baseURL, launch, logins, reportIncident } from "./helpers.mjs";

const company = "10101234565";
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const { signIn, waitOutLastStep } = logins(() => browser);
after(waitOutLastStep);

// day is a Gregorian date n days from now, as the forms accept it.
const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);

test("scoped consent, a dispatched team with its clock, and a reviewed, signed, delivered report", { timeout: 300000 }, async () => {
  // The company reports an incident and follows the case page's link to the
  // dispatch, consent and report pages.
  const app = await signIn(company, false);
  const code = await reportIncident(app);
  await app.goto(baseURL + "/cases/" + code);
  await app.click("#cert-dispatch");
  await app.waitForSelector("#cert-tabs");
  const caseURL = baseURL + "/cases/" + code;

  // a period that ends before it begins is refused beside its field.
  await app.goto(caseURL + "/consent");
  await app.selectOption("#access", "forensic_imaging");
  await app.fill("#systems", "10.0.0.5\nmail.example.ir");
  await app.fill("#purpose", "تصویربرداری قانونی از دیسک سرور");
  await app.fill("#valid_from", day(2));
  await app.fill("#valid_until", day(1));
  await app.click("#grant-consent");
  await app.waitForSelector("#valid_until-error");
  assert.equal(await app.locator("#consents").count(), 0);
  await app.fill("#valid_from", "");
  await app.fill("#valid_until", day(2));
  await app.click("#grant-consent");
  await app.waitForSelector("#consents tr[data-status='live']");
  const printHref = await app.getAttribute("#consents .print-link", "href");
  const print = await app.request.get(baseURL + printHref);
  assert.equal(print.status(), 200);
  assert.match(await print.text(), /10\.0\.0\.5/);
  const consentPDF = await app.request.get(baseURL + await app.getAttribute("#consents .pdf-link", "href"));
  assert.equal(consentPDF.status(), 200);
  assert.equal((await consentPDF.body()).subarray(0, 5).toString(), "%PDF-");

  // M-4.4: the company asks for a team; the dispatch clock starts.
  await app.goto(caseURL + "/dispatch");
  await app.fill("#note", "ساختمان مرکزی، طبقه سوم");
  await app.click("#request-team");
  await app.waitForSelector("#dispatch-clock");

  // The responder records the team, its departure and ETA, then its arrival, and
  // an access under the live consent.
  const responder = await signIn("demo-responder", true);
  await responder.goto(caseURL + "/dispatch");
  await responder.fill("#members", "علی رضایی\nسارا محمدی");
  await responder.fill("#planned_departure", day(0) + " 00:00");
  await responder.fill("#eta", day(0) + " 23:59");
  await responder.click("#record-team");
  await responder.waitForSelector("#dispatch-members");
  await responder.click("#record-arrival");
  await responder.waitForSelector("#dispatch-arrived");
  await responder.goto(caseURL + "/consent");
  await responder.fill("#system", "10.0.0.5");
  await responder.fill("#action", "تصویر دیسک گرفته شد");
  await responder.click("#record-access");
  await responder.waitForSelector("#accesses tbody tr");

  // The applicant sees the team arrived and the stopped clock.
  await app.goto(caseURL + "/dispatch");
  await app.waitForSelector("#dispatch-arrived");
  assert.match(await app.textContent("#dispatch-members"), /سارا محمدی/);
  assert.match(await app.textContent("#dispatch-clock"), /رسید|arrived/);

  // D-3: the analyst writes the report and sends it to review.
  const analyst = await signIn("demo-analyst", true);
  await analyst.goto(caseURL + "/reports");
  await analyst.fill("#title", "گزارش فنی حادثه باج‌افزار");
  await analyst.fill("#body", "# خلاصه\nنفوذ از طریق VPN؛ مسئول شبکه آقای احمدی.\n\n## یافته‌ها\n- میزبان داخلی fs01.corp.local آلوده بود.\n\n## توصیه‌ها\n- به‌روزرسانی VPN");
  await analyst.click("#create-report");
  await analyst.waitForSelector("#submit-report");
  const reportURL = analyst.url().replace(/[?#].*$/, "");
  assert.equal(await analyst.locator("#approve-report").count(), 0, "the author is offered no approval");
  await analyst.click("#submit-report");
  await analyst.waitForSelector("#report-status[data-status='in_review']");

  // A second person approves, makes the warning draft (diff shown) and delivers.
  const supervisor = await signIn("demo-supervisor", true);
  await supervisor.goto(reportURL);
  await supervisor.click("#approve-report");
  await supervisor.waitForSelector("#report-status[data-status='approved']");
  await supervisor.fill("#redacted_title", "هشدار: نفوذ باج‌افزار از راه VPN");
  await supervisor.fill("#redacted_body", "# خلاصه\nنفوذ از طریق VPN.\n\n## یافته‌ها\n- یک میزبان داخلی آلوده بود.\n\n## توصیه‌ها\n- به‌روزرسانی VPN");
  await supervisor.click("#save-redaction");
  await supervisor.waitForSelector("#redaction-diff del");
  assert.match(await supervisor.textContent("#redaction-diff del"), /احمدی|fs01/);
  await supervisor.click("#deliver-report");
  await supervisor.waitForSelector("#report-status[data-status='delivered']");

  // The applicant gets the PDF and the signed JSON, and no warning draft.
  await app.goto(reportURL);
  await app.waitForSelector("#report-pdf");
  assert.equal(await app.locator("#redaction").count(), 0);
  assert.doesNotMatch(await app.content(), /هشدار: نفوذ/);
  const pdf = await app.request.get(baseURL + await app.getAttribute("#report-pdf", "href"));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()["content-type"], "application/pdf");
  assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
  const signed = await (await app.request.get(baseURL + await app.getAttribute("#report-json", "href"))).json();
  assert.equal(signed.report.case, code);
  const [h, p, s] = signed.credential.split(".");
  const kid = JSON.parse(Buffer.from(h, "base64url")).kid;
  const jwks = await (await app.request.get(baseURL + "/.well-known/jwks.json")).json();
  const jwk = jwks.keys.find((k) => k.kid === kid);
  assert.ok(jwk, "the signing key is published");
  assert.ok(verify(null, Buffer.from(h + "." + p), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url")),
    "the signature verifies");
  assert.deepEqual(JSON.parse(Buffer.from(p, "base64url")), signed.report);

  // Every page of this flow fits a 390 px phone and a 1366 px screen.
  for (const [who, urls] of [[app, ["/dispatch", "/consent", "/reports", reportURL]], [supervisor, ["/dispatch", "/consent", reportURL]]]) {
    for (const width of [390, 1366]) {
      await who.setViewportSize({ width, height: 844 });
      for (const u of urls) {
        await who.goto(u.startsWith("http") ? u : caseURL + u);
        const w = await who.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(w <= width, `${u} is ${w}px wide at ${width}px`);
      }
    }
  }
  const anon = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const pub = await anon.newPage();
  for (const u of ["/vulnerabilities/report", "/vulnerabilities/credits"]) {
    await pub.goto(baseURL + u);
    const w = await pub.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `${u} is ${w}px wide`);
  }
  await anon.close();
});
