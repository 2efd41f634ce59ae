// Browser test of the Portico web console, run by test/e2e/console_test.go
// against a running `portico quickstart`. It drives Debian's chromium with
// playwright-core (no browser download) and prints one JSON line at the end:
// {"ok": true, ...} or {"ok": false, "error": "..."}.
//
// Environment: CONSOLE_URL, GATEWAY_URL, PASSWORD, SHOTS (screenshot folder),
// CHROMIUM (default /usr/bin/chromium), NEW_VERSION (a package to deploy).
"use strict";
const { chromium } = require("playwright-core");
const path = require("path");

const base = process.env.CONSOLE_URL;
const gateway = process.env.GATEWAY_URL;
const shots = process.env.SHOTS || ".";
const newVersion = process.env.NEW_VERSION || "1.0.1";
const result = { ok: false, steps: [] };

function step(name, extra) { result.steps.push(Object.assign({ step: name, at: Date.now() }, extra || {})); }
function assert(cond, msg) { if (!cond) { throw new Error(msg); } }

async function tabOrder(page, n) {
  const seen = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press("Tab");
    seen.push(await page.evaluate(() => {
      const el = document.activeElement;
      return (el.getAttribute("aria-label") || el.textContent || el.id || el.tagName).trim().replace(/\s+/g, " ");
    }));
  }
  return seen;
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); } });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.setDefaultTimeout(15000);

    // Signed out: any page leads to the sign-in form.
    await page.goto(base + "/apis");
    assert(page.url().startsWith(base + "/login"), "signed out, /apis went to " + page.url());
    assert(await page.evaluate(() => document.activeElement.id) === "username", "the username field has no focus on the sign-in page");
    const loginTabs = await tabOrder(page, 2);
    assert(loginTabs[0] === "password" && loginTabs[1] === "Sign in", "sign-in focus order: " + JSON.stringify(loginTabs));
    // A wrong password is a clear error, not a crash.
    await page.fill("#username", "admin");
    await page.fill("#password", "wrong-password");
    await page.click("button[type=submit]");
    await page.waitForSelector("p.error");
    assert((await page.textContent("p.error")).includes("wrong"), "wrong password message");
    errors.length = 0; // the 401 of the wrong password is logged by chromium; expected
    await page.fill("#password", process.env.PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(base + "/apis");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "portico_session");
    assert(session && session.httpOnly && session.sameSite === "Strict", "session cookie: " + JSON.stringify(session));
    step("signed in");

    // Dashboard: the live stream runs, traffic shows within two seconds.
    await page.goto(base + "/");
    await page.waitForFunction(() => document.getElementById("live-status").textContent.startsWith("Live:"));
    const tabs = await tabOrder(page, 7);
    const wantTabs = ["Skip to content", "Dashboard", "APIs", "Executions", "Environments", "Users", "Sign out"];
    assert(JSON.stringify(tabs) === JSON.stringify(wantTabs), "dashboard focus order: " + JSON.stringify(tabs));
    let sent = 0;
    for (let i = 1; i <= 25; i++) {
      const r = await fetch(gateway + "/ws/rest/erp/v1/customers/" + i);
      await r.arrayBuffer();
      sent++;
    }
    const r404 = await fetch(gateway + "/ws/rest/erp/v1/customers/999999");
    await r404.arrayBuffer();
    const trafficEnd = Date.now();
    await page.waitForSelector('#api-rows tr[data-api="erp"]', { timeout: 2000 });
    const moved = Date.now() - trafficEnd;
    const rps = Number(await page.textContent("#rps"));
    assert(rps > 0, "requests/s did not move: " + rps);
    step("dashboard moved", { afterMs: moved, rps: rps, sent: sent + 1 });
    // Let a few more seconds accumulate, then keep a picture.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, "dashboard.png"), fullPage: true });

    // APIs: deploy the new package, then roll back, with the buttons.
    await page.goto(base + "/apis");
    const deployButton = 'button[aria-label="Deploy erp ' + newVersion + '"]';
    const selectID = await page.$eval(deployButton, (b) => b.form.querySelector("select").id);
    await page.selectOption("#" + selectID, "dev");
    await page.click(deployButton);
    await page.waitForSelector("p.notice");
    const deployed = await page.textContent("p.notice");
    assert(deployed.includes("Deployed erp " + newVersion + " to dev"), "deploy notice: " + deployed);
    assert((await page.textContent("td.version")).trim() === newVersion, "active version after deploy");
    await page.screenshot({ path: path.join(shots, "apis-deployed.png"), fullPage: true });
    step("deployed", { notice: deployed });
    await page.click('button[aria-label="Roll back erp in dev"]');
    await page.waitForSelector("p.notice");
    const rolled = await page.textContent("p.notice");
    assert(rolled.includes("Rolled erp back to 1.0.0 in dev"), "rollback notice: " + rolled);
    assert((await page.textContent("td.version")).trim() === "1.0.0", "active version after rollback");
    step("rolled back", { notice: rolled });
    const docs = await page.getAttribute('a:text("API docs")', "href");
    assert(docs === gateway + "/ws/rest/erp/v1/docs", "API docs link: " + docs);

    // Executions: search, then open one with its documents.
    await page.goto(base + "/executions?environment=dev&status=COMPLETE");
    await page.click("table.grid tbody tr:first-child a");
    await page.waitForSelector("pre.doc");
    const title = await page.textContent("h1");
    assert(title.startsWith("Execution "), "execution page title: " + title);
    const out = await page.textContent("pre.doc >> nth=-1");
    assert(out.includes("customer_id") || out.includes("\"id\""), "output documents: " + out.slice(0, 200));
    await page.screenshot({ path: path.join(shots, "execution.png"), fullPage: true });
    step("execution detail");
    await page.goto(base + "/executions?environment=dev&status=DISCARDED");
    assert((await page.textContent("p.empty")).includes("No executions match"), "empty state of a search without results");

    // Environments and runtimes; users.
    await page.goto(base + "/environments");
    assert((await page.textContent("td.rt-online")).trim() === "online", "the runtime of dev is not listed online");
    await page.screenshot({ path: path.join(shots, "environments.png"), fullPage: true });
    await page.goto(base + "/users");
    assert((await page.textContent("table.grid")).includes("admin"), "users page lists admin");
    const res = await page.goto(base + "/no-such-page");
    assert(res.status() === 404 && (await page.textContent("p.error")).includes("no console page"), "404 page");
    // The 404 just asked for is logged by chromium; it is expected.
    for (let i = errors.length - 1; i >= 0; i--) { if (errors[i].includes("404")) { errors.splice(i, 1); } }

    // Sign out ends the session.
    await page.goto(base + "/");
    await page.click("text=Sign out");
    await page.waitForURL(base + "/login");
    await page.goto(base + "/");
    assert(page.url().startsWith(base + "/login"), "still signed in after sign out");
    step("signed out");

    assert(errors.length === 0, "console errors: " + JSON.stringify(errors));
    result.ok = true;
  } catch (e) {
    result.error = String(e && e.stack || e);
    result.consoleErrors = errors;
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

main();
