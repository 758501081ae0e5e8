// The foundation flow against the real app: first run → recovery key → sign in → shell → lock →
// unlock; then the same data dir again after quitting: straight to sign-in (the database key
// came back from the real OS keyring), and a wrong password is refused on screen; then, with the
// keyring entry gone, the app asks for the recovery key and re-seats it.
import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import {
  appPids,
  clearKeyring,
  click,
  fill,
  freshDataDir,
  gone,
  keyringEntries,
  launch,
  quit,
  screenshot,
  textOf,
  tid,
  visible,
} from '../lib/app.js';
import { stepper } from '../lib/flows.js';

const CLINIC = 'Clínica San Rafael';
const ADMIN = { displayName: 'Lucía Méndez', username: 'admin', password: 'correct horse battery' };
const WRONG_PASSWORD = 'not the right password';
const RECOVERY_KEY = /^[A-Z0-9]{4}(-[A-Z0-9]{4}){7}$/;

const dataDir = freshDataDir('clinic');
let browser = null; // the running app's window, when there is one
let recoveryKey = ''; // as shown at set-up

const step = stepper(() => browser);

async function closeApp() {
  const b = browser;
  browser = null;
  return quit(b);
}

describe('first launch: set-up, sign-in, shell, lock', () => {
  after(closeApp);

  step('the app starts on an empty data dir and shows the first-run screen', async () => {
    browser = await launch(dataDir);
    assert.equal(appPids(dataDir).length, 1, 'the app process was not found by its --data-dir');
    const title = await textOf(browser, tid('first-run-title'));
    assert.match(title, /set up/i);
    await screenshot(browser, '01-first-run.png');
  });

  step('the set-up wizard takes the clinic and the first admin', async () => {
    await fill(browser, tid('setup-clinic-name'), CLINIC);
    await fill(browser, tid('setup-display-name'), ADMIN.displayName);
    await fill(browser, tid('setup-username'), ADMIN.username);
    await fill(browser, tid('setup-password'), ADMIN.password);
    await fill(browser, tid('setup-password-confirm'), ADMIN.password);
    await click(browser, tid('setup-account-next'));
  });

  step('the recovery key is shown: 8 groups of 4', async () => {
    recoveryKey = await textOf(browser, tid('recovery-key'));
    assert.match(recoveryKey, RECOVERY_KEY, `unexpected recovery key format: "${recoveryKey}"`);
    await screenshot(browser, '02-recovery-key.png');
  });

  step('the key must be ticked as written down and its last group typed back', async () => {
    // Continuing without the tick is refused with a message.
    await click(browser, tid('setup-key-next'));
    assert.match(await textOf(browser, tid('setup-key-form-error')), /written it down/i);

    await click(browser, tid('setup-key-written'));
    assert.equal(await (await browser.$(tid('setup-key-written'))).isSelected(), true);
    await fill(browser, tid('setup-key-confirm'), recoveryKey.split('-').pop());
    await click(browser, tid('setup-key-next'));

    assert.equal(await textOf(browser, tid('setup-summary-clinic')), CLINIC);
  });

  step('finishing set-up stores the key in the OS keyring and goes to sign-in', async () => {
    await click(browser, tid('setup-finish'));
    await visible(browser, tid('login-screen'));
    assert.equal(await textOf(browser, tid('login-title')), CLINIC);
    assert.match(await textOf(browser, tid('login-notice')), /set up/i);
    assert.ok(
      keyringEntries().length >= 1,
      'no entry under the intake-desk-e2e service in the Secret Service after set-up',
    );
    await screenshot(browser, '03-login.png');
  });

  step('the admin signs in and the shell shows their name and the Admin role', async () => {
    await fill(browser, tid('login-username'), ADMIN.username);
    await fill(browser, tid('login-password'), ADMIN.password);
    await click(browser, tid('login-submit'));
    assert.equal(await textOf(browser, tid('shell-user')), ADMIN.displayName);
    assert.equal(await textOf(browser, tid('shell-role')), 'Admin');
    assert.equal(await textOf(browser, tid('shell-clinic')), CLINIC);
    // An admin sees the admin pages in the navigation.
    for (const page of ['queue', 'users', 'settings', 'audit', 'backup', 'account']) {
      await visible(browser, tid(`nav-${page}`));
    }
    await screenshot(browser, '04-shell.png');
  });

  step('Lock shows the lock screen and hides the shell', async () => {
    await click(browser, tid('shell-lock'));
    await visible(browser, tid('lock-screen'));
    assert.match(await textOf(browser, tid('lock-title')), new RegExp(ADMIN.displayName));
    assert.equal(await (await browser.$(tid('shell-user'))).isExisting(), false);
    await screenshot(browser, '05-lock.png');
  });

  step('a wrong password does not unlock and shows an error', async () => {
    await fill(browser, tid('unlock-password'), WRONG_PASSWORD);
    await click(browser, tid('unlock-submit'));
    const message = await textOf(browser, tid('unlock-error'));
    assert.ok(message.length > 0);
    await visible(browser, tid('lock-screen'));
    assert.equal(await (await browser.$(tid('shell-user'))).isExisting(), false);
  });

  step('the right password unlocks back to the shell', async () => {
    await fill(browser, tid('unlock-password'), ADMIN.password);
    await click(browser, tid('unlock-submit'));
    assert.equal(await textOf(browser, tid('shell-user')), ADMIN.displayName);
    await gone(browser, tid('lock-screen'));
  });

  step('quitting the app ends its process', async () => {
    assert.equal(await closeApp(), true, 'the app was still running 15 s after its session ended');
  });
});

describe('second launch on the same data dir', () => {
  after(closeApp);

  step('it opens straight at sign-in: the key came back from the OS keyring', async () => {
    browser = await launch(dataDir);
    await visible(browser, tid('login-screen'));
    assert.equal(await textOf(browser, tid('login-title')), CLINIC);
    assert.equal(await (await browser.$(tid('first-run-title'))).isExisting(), false);
    assert.equal(await (await browser.$(tid('recovery-title'))).isExisting(), false);
  });

  step('a wrong password is refused with a message on screen', async () => {
    await fill(browser, tid('login-username'), ADMIN.username);
    await fill(browser, tid('login-password'), WRONG_PASSWORD);
    await click(browser, tid('login-submit'));
    const message = await textOf(browser, tid('login-error'));
    assert.match(message, /password|username/i);
    await visible(browser, tid('login-screen'));
    await screenshot(browser, '06-login-wrong-password.png');
  });

  step('the right password signs in to the shell', async () => {
    await fill(browser, tid('login-password'), ADMIN.password);
    await click(browser, tid('login-submit'));
    assert.equal(await textOf(browser, tid('shell-user')), ADMIN.displayName);
    assert.equal(await textOf(browser, tid('shell-role')), 'Admin');
  });
});

describe('the keyring entry is lost: the recovery key opens the records again', () => {
  after(closeApp);

  step('with no key in the keyring the app asks for the recovery key', async () => {
    await closeApp();
    clearKeyring();
    assert.equal(keyringEntries().length, 0, 'the e2e keyring entries could not be cleared');
    browser = await launch(dataDir);
    await visible(browser, tid('recovery-screen'));
    assert.ok((await textOf(browser, tid('recovery-reason'))).length > 0);
    assert.equal(await (await browser.$(tid('first-run-title'))).isExisting(), false);
    await screenshot(browser, '07-recovery.png');
  });

  step('a mistyped recovery key is refused with a message', async () => {
    const wrong = recoveryKey.replace(/^..../, (g) => (g === 'AAAA' ? 'BBBB' : 'AAAA'));
    await fill(browser, tid('recovery-key-input'), wrong);
    await click(browser, tid('recovery-submit'));
    assert.ok((await textOf(browser, tid('recovery-error'))).length > 0);
    await visible(browser, tid('recovery-screen'));
  });

  step('the right recovery key re-seats the key in the keyring and goes to sign-in', async () => {
    await fill(browser, tid('recovery-key-input'), recoveryKey);
    await click(browser, tid('recovery-submit'));
    await visible(browser, tid('login-screen'));
    assert.equal(await textOf(browser, tid('login-title')), CLINIC);
    assert.ok(keyringEntries().length >= 1, 'the key was not stored in the keyring again');
    await fill(browser, tid('login-username'), ADMIN.username);
    await fill(browser, tid('login-password'), ADMIN.password);
    await click(browser, tid('login-submit'));
    assert.equal(await textOf(browser, tid('shell-user')), ADMIN.displayName);
  });
});
