// Drives the real Intake Desk binary through tauri-driver (W3C WebDriver) with WebdriverIO.
// run.sh sets the environment: E2E_APP, E2E_PORT, E2E_DATA_ROOT, E2E_SCREENSHOTS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { remote } from 'webdriverio';

export const WAIT_MS = 30_000; // every wait in the specs is bounded by this

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the specs through tests/e2e/run.sh`);
  return value;
}

export const APP = env('E2E_APP');
export const SCREENSHOTS = env('E2E_SCREENSHOTS');
const PORT = Number(env('E2E_PORT'));

/** A fresh, empty data directory for one app installation. */
export function freshDataDir(label) {
  return mkdtempSync(path.join(env('E2E_DATA_ROOT'), `${label}-`));
}

/** `[data-testid="..."]` */
export const tid = (id) => `[data-testid="${id}"]`;

/** Starts the app on `dataDir` and returns the WebdriverIO browser for its window. */
export async function launch(dataDir, extraArgs = []) {
  const browser = await remote({
    hostname: '127.0.0.1',
    port: PORT,
    logLevel: 'warn',
    waitforTimeout: WAIT_MS,
    waitforInterval: 200,
    connectionRetryTimeout: 90_000, // per HTTP request; session creation starts the app
    connectionRetryCount: 0,
    capabilities: {
      // tauri-driver does not proxy WebDriver BiDi: stay on classic WebDriver.
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: APP, args: ['--data-dir', dataDir, ...extraArgs] },
    },
  });
  browser.__dataDir = dataDir;
  return browser;
}

/** Processes of the app started on `dataDir` (its unique temp path is on the command line). */
export function appPids(dataDir) {
  try {
    return execFileSync('pgrep', ['-f', '--', `--data-dir ${dataDir}`], { encoding: 'utf8' })
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * Ends the WebDriver session (which closes the app) and waits until the app process is gone,
 * so a relaunch on the same data dir is not swallowed by the single-instance plugin.
 * Returns false if the process had to be killed.
 */
export async function quit(browser) {
  if (!browser) return true;
  const dataDir = browser.__dataDir;
  try {
    await browser.deleteSession();
  } catch (e) {
    console.error(`deleteSession failed: ${e.message}`);
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (appPids(dataDir).length === 0) return true;
    await sleep(200);
  }
  for (const pid of appPids(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return false;
}

export async function screenshot(browser, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await sleep(400); // let Mantine's transitions (alerts, stepper) settle
  const file = path.join(SCREENSHOTS, name);
  await browser.saveScreenshot(file);
  return file;
}

/** Waits (bounded) for a visible element and returns it. */
export async function visible(browser, selector, timeout = WAIT_MS) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({
    timeout,
    timeoutMsg: `${selector} was not displayed within ${timeout / 1000} s`,
  });
  return el;
}

/**
 * The element's rendered text. WebKitWebDriver's Get Element Text returns "" for text inside
 * some of Mantine's flex layouts (alert titles and messages), so the browser's own innerText
 * is the fallback.
 */
export async function renderedText(el) {
  const text = (await el.getText()).trim();
  if (text) return text;
  const inner = await el.getProperty('innerText');
  return typeof inner === 'string' ? inner.trim() : '';
}

/** Waits until some text appears in the element, and returns it trimmed. */
export async function textOf(browser, selector, timeout = WAIT_MS) {
  const el = await visible(browser, selector, timeout);
  let text = '';
  await browser.waitUntil(
    async () => {
      text = await renderedText(el);
      return text.length > 0;
    },
    { timeout, timeoutMsg: `${selector} stayed empty for ${timeout / 1000} s` },
  );
  return text;
}

/** Types into an input (cleared first) and checks the value really landed. */
export async function fill(browser, selector, value) {
  const el = await visible(browser, selector);
  await el.waitForEnabled({ timeout: WAIT_MS });
  if ((await el.getValue()) === value) return el;
  await el.click();
  if ((await el.getValue()) !== '') await el.clearValue();
  await el.addValue(value);
  await browser.waitUntil(async () => (await el.getValue()) === value, {
    timeout: 5_000,
    timeoutMsg: `${selector} did not take the typed value`,
  });
  return el;
}

export async function click(browser, selector) {
  const el = await visible(browser, selector);
  await el.waitForClickable({ timeout: WAIT_MS });
  await el.click();
  return el;
}

/** Waits until the selector is gone or hidden. */
export async function gone(browser, selector, timeout = WAIT_MS) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({
    timeout,
    reverse: true,
    timeoutMsg: `${selector} was still displayed after ${timeout / 1000} s`,
  });
}

const SERVICE = process.env.E2E_KEYRING_SERVICE || 'intake-desk-e2e';

/** Entries the app stored in the real Secret Service under the e2e service name. */
export function keyringEntries() {
  const service = SERVICE;
  try {
    const out = execFileSync('secret-tool', ['search', '--all', 'service', service], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    });
    return out.split('\n').filter((l) => l.startsWith('[/'));
  } catch {
    return [];
  }
}

/** Removes every entry under the e2e service name, as a reset or lost keyring would. */
export function clearKeyring() {
  execFileSync('secret-tool', ['clear', 'service', SERVICE], { stdio: 'ignore', timeout: 10_000 });
}
