// Shared pieces of the specs: ordered steps that stop at the first failure (with a screenshot
// and the page's HTML as evidence), first-run set-up, and signing in and out.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { SCREENSHOTS, click, fill, screenshot, textOf, tid, visible } from './app.js';

/**
 * Returns `step(name, fn, timeout)`: steps run in order; after a failure the rest are skipped.
 * `getBrowser` gives the window to photograph when a step fails.
 */
export function stepper(getBrowser) {
  let broken = null;
  return function step(name, fn, timeout = 120_000) {
    it(name, { timeout }, async (t) => {
      if (broken) {
        t.skip(`skipped: "${broken}" failed`);
        return;
      }
      try {
        await fn();
      } catch (error) {
        broken = name;
        await evidence(getBrowser(), name);
        throw error;
      }
    });
  };
}

async function evidence(browser, name) {
  if (!browser) return;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  try {
    const file = await screenshot(browser, `failed-${slug}.png`);
    console.error(`  failure screenshot: ${file}`);
    writeFileSync(path.join(SCREENSHOTS, `failed-${slug}.html`), await browser.getPageSource());
  } catch (e) {
    console.error(`  (no failure screenshot: ${e.message})`);
  }
}

/** The first-run wizard, start to finish, ending on the sign-in screen. */
export async function firstRun(browser, { clinic, displayName, username, password }) {
  await visible(browser, tid('first-run-title'));
  await fill(browser, tid('setup-clinic-name'), clinic);
  await fill(browser, tid('setup-display-name'), displayName);
  await fill(browser, tid('setup-username'), username);
  await fill(browser, tid('setup-password'), password);
  await fill(browser, tid('setup-password-confirm'), password);
  await click(browser, tid('setup-account-next'));
  const key = await textOf(browser, tid('recovery-key'));
  await click(browser, tid('setup-key-written'));
  await fill(browser, tid('setup-key-confirm'), key.split('-').pop());
  await click(browser, tid('setup-key-next'));
  await click(browser, tid('setup-finish'));
  await visible(browser, tid('login-screen'));
  return key;
}

export async function signIn(browser, user) {
  await visible(browser, tid('login-screen'));
  await fill(browser, tid('login-username'), user.username);
  await fill(browser, tid('login-password'), user.password);
  await click(browser, tid('login-submit'));
  assert.equal(await textOf(browser, tid('shell-user')), user.displayName);
}

export async function signOut(browser) {
  await click(browser, tid('shell-signout'));
  await visible(browser, tid('login-screen'));
}

/** The page's visible text (for "this must not be on screen" checks). */
export async function pageText(browser) {
  const text = await browser.execute(() => document.body.innerText);
  return typeof text === 'string' ? text : '';
}
