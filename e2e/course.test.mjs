// SLA M-4.2: CERT staff announce a course for the staff of government agencies; the
// agency's employee enrols, a company's member is refused with the reason; once the
// session has begun staff record attendance and issue the certificate of
// attendance, which the employee finds on the course page and which `miz verify
// --server` accepts. Fees (§6): the course costs 45,000,000 rials; enrolling bills the
// seat, and the employee pays the invoice through the test payment gateway (a real
// HTTP server that go test starts) before the certificate is issued.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { baseURL, launch, logins } from "./helpers.mjs";

let browser;
const { signIn, waitOutLastStep } = logins(() => browser);
before(async () => { browser = await launch(); });
after(async () => { await waitOutLastStep(); await browser?.close(); });

// jalali writes an instant as the form expects it: 1405/09/13 14:05:09, Tehran time.
function jalali(d) {
  const parts = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", { timeZone: "Asia/Tehran", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(d);
  const g = (t) => parts.find((p) => p.type === t).value;
  return `${g("year")}/${g("month")}/${g("day")} ${g("hour")}:${g("minute")}:${g("second")}`;
}

test("an agency employee enrols, attends and holds a verifiable certificate of attendance", async () => {
  const staff = await signIn("demo-supervisor", true);
  await staff.goto(baseURL + "/courses");
  await staff.fill("#title_fa", "پاسخ به رخداد برای دستگاه‌ها");
  await staff.selectOption("#audience", "government_staff");
  await staff.fill("#capacity", "۵");
  await staff.fill("#fee_rials", "۴۵۰۰۰۰۰۰");
  await staff.fill("#cancel_hours", "0");
  await staff.click("#course-create");
  await staff.waitForURL(/\/courses\/\d+$/);
  const courseURL = staff.url();
  const starts = new Date(Date.now() + 75_000);
  await staff.fill("#starts_at", jalali(starts));
  await staff.fill("#ends_at", jalali(new Date(starts.getTime() + 2 * 3600_000)));
  await staff.fill("#link", "https://meet.example/ir-101");
  await staff.click("#session-add");
  await staff.waitForSelector("#course-open");
  await staff.click("#course-open");
  await staff.waitForSelector("#course-close");

  const employee = await signIn("demo-employee", false);
  await employee.goto(courseURL);
  await employee.click("#course-enrol");
  await employee.waitForSelector("#my-enrolment[data-state=enrolled]");

  // The seat is billed: from the course page to its invoice, through the gateway
  // and back to the invoice, now paid.
  await employee.click("#my-invoice");
  await employee.waitForSelector("#invoice-pay");
  const invoice = employee.url().split("/").pop();
  assert.match(invoice, /^\d{4}-\d{6}$/);
  assert.equal((await employee.textContent("#invoice-total")).trim(), "۴۹٬۵۰۰٬۰۰۰ ریال");
  await employee.click("#invoice-pay");
  await employee.click("#gateway-continue");
  await employee.waitForSelector("#payments");
  assert.equal(employee.url(), baseURL + "/invoices/" + invoice);
  assert.equal((await employee.textContent("#invoice-state")).trim(), "پرداخت‌شده");

  const outsider = await signIn("demo-applicant", false);
  await outsider.goto(courseURL);
  const reason = await outsider.textContent("#course-refusal");
  assert.match(reason, /دستگاه‌های دولتی/);
  assert.equal(await outsider.locator("#course-enrol").count(), 0);

  // Attendance is recorded only once the session has begun.
  const wait = starts.getTime() - Date.now() + 1500;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await staff.goto(courseURL);
  await staff.check('#course-roster label:has-text("مریم کریمی") input[name=present]');
  await staff.click("#course-roster button[data-session]");
  await staff.waitForSelector("#course-flash");
  await staff.click("#course-certify");
  await staff.waitForSelector("#course-roster a[href^='/courses/certificates/']");

  await employee.goto(courseURL);
  const href = await employee.getAttribute("#my-certificate", "href");
  const number = href.split("/").pop();
  assert.match(number, /^ATT-\d{4}-\d{6}$/);
  await employee.goto(baseURL + href);
  assert.equal(await employee.getAttribute("#attendance-certificate", "data-number"), number);

  // Every page of the flow fits a 390 px phone without scrolling sideways.
  for (const [page, path] of [[staff, courseURL], [employee, baseURL + "/courses"], [employee, baseURL + href], [outsider, baseURL + "/whitehat"]]) {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(path.startsWith("http") ? path : baseURL + path);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `${path} is ${wide} px wide at 390`);
  }

  const out = execFileSync("go", ["run", "./cmd/miz", "verify", "--server", baseURL, number],
    { cwd: new URL("..", import.meta.url).pathname, encoding: "utf8" });
  assert.match(out, new RegExp(`^OK ${number}: certificate of attendance, active, signed by key .*transparency log at index \\d+`));
});
