// Issue 16 (SLA M-4.3, A-4.6): the demo company claims an IP range, a CERT analyst
// verifies it and imports a threat-feed report; a warning appears for the company,
// which acknowledges it and reports it fixed; the next import of the same feed
// without the finding closes it. Checked at 1366 and 390 px wide.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
const { signIn, waitOutLastStep } = logins(() => browser);
before(async () => { browser = await launch(); });
after(async () => { await waitOutLastStep(); await browser?.close(); });

const org = "10101234565"; // the demo company's account (its national ID)

const report = (rows) => Buffer.from("timestamp,ip,protocol,port,hostname,tag,asn,severity\n" + rows.join("\n") + "\n");

// upload imports a report under the feed name scan_rdp and waits for it to finish.
async function upload(page, rows) {
  await page.goto(baseURL + "/cert/feeds");
  await page.fill("#feed-name", "scan_rdp");
  await page.setInputFiles("#feed-file", { name: "2026-12-01-scan_rdp.csv", mimeType: "text/csv", buffer: report(rows) });
  await page.click("#feed-submit");
  await page.waitForSelector('#import[data-status="done"]', { timeout: 30000 });
}

async function noHorizontalScroll(page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 1, `page scrolls sideways by ${over}px`);
}

test("a feed finding becomes a warning the constituent acknowledges, fixes, and a re-check closes", async () => {
  const company = await signIn(org, false);
  await company.goto(baseURL + "/org/assets");
  await company.selectOption("#kind", "prefix");
  await company.fill("#value", "203.0.113.0/24");
  await company.click("#claim-submit");
  await company.waitForSelector('#assets tr[data-status="claimed"]');
  // A malformed range is refused on the form, beside its field.
  await company.fill("#value", "203.0.113.0/33");
  await company.click("#claim-submit");
  await company.waitForSelector("#value-error");

  const analyst = await signIn("demo-analyst", true);
  await analyst.goto(baseURL + "/cert/constituents");
  await analyst.click('#claims tr:has-text("203.0.113.0/24") button[value="verify"]');
  await analyst.waitForSelector("#claims, .muted");
  await upload(analyst, [
    "2026-12-01 06:00:00,203.0.113.25,tcp,3389,,rdp,64500,high",
    "2026-12-01 06:00:00,198.51.100.9,tcp,3389,,rdp,64501,high", // nobody's
    "not-a-time,203.0.113.26,tcp,3389,,rdp,64500,high", // a bad row, line 4
  ]);
  assert.equal((await analyst.textContent("#import-new")).trim(), "۱");
  assert.equal((await analyst.textContent("#import-bad")).trim(), "۱");
  assert.match(await analyst.textContent("#bad-rows"), /۴/);

  await company.goto(baseURL + "/org/warnings");
  const card = company.locator('article.warning[data-state="open"]');
  await card.waitFor();
  assert.match(await card.textContent(), /203\.0\.113\.25:3389/);
  assert.match(await card.locator(".clock-cert").textContent(), /فرستاده/);
  assert.match(await card.locator(".clock-constituent").textContent(), /مهلت/);
  await company.setViewportSize({ width: 390, height: 800 });
  await noHorizontalScroll(company);
  await company.setViewportSize({ width: 1366, height: 900 });
  await card.locator("button.ack").click();
  await company.waitForSelector('article.warning[data-state="acknowledged"]');
  await company.locator('article.warning[data-state="acknowledged"] input[name="note"]').fill("درگاه RDP بسته شد");
  await company.locator('article.warning[data-state="acknowledged"] button.fixed').click();
  await company.waitForSelector('article.warning[data-state="fixed_claimed"]');

  await upload(analyst, ["2026-12-01 12:00:00,198.51.100.9,tcp,3389,,rdp,64501,high"]);
  assert.equal((await analyst.textContent("#import-closed")).trim(), "۱");

  await company.goto(baseURL + "/org/warnings");
  await company.waitForSelector("#no-warnings");
  await company.goto(baseURL + "/org/warnings?all=1");
  const closed = company.locator('article.warning[data-state="closed"]');
  await closed.waitFor();
  assert.match(await closed.textContent(), /بازبینی/);
  await company.context().close();
  await analyst.context().close();
});
