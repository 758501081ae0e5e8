// The desk at work, against the real app: the admin connects WhatsApp and adds staff; patients'
// signed webhooks reach the app's own webhook port and become intakes that appear in the queue
// without a reload; the front desk sees no clinical answers; a doctor reviews with a note; the
// admin finds the review in the audit log; a patient asks for staff and is answered from the
// inbox; Try the bot runs the real engine; and the idle lock engages and unlocks.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import ExcelJS from 'exceljs';
import { setTimeout as sleep } from 'node:timers/promises';
import { click, fill, freshDataDir, gone, launch, quit, screenshot, textOf, tid, visible, WAIT_MS } from '../lib/app.js';
import { firstRun, pageText, signIn, signOut, stepper } from '../lib/flows.js';
import { ACCESS_TOKEN, APP_SECRET, BUSINESS_ACCOUNT_ID, PHONE_NUMBER_ID, intakeScript, patientSays, postSigned, startGraph } from '../lib/meta.js';

const CLINIC = 'Clínica del Parque';
const ADMIN = { displayName: 'Lucía Méndez', username: 'admin', password: 'correct horse battery' };
const DESK = { displayName: 'Rosa Front', username: 'rosa', password: 'tulip garden forty two' };
const DOCTOR = { displayName: 'Dr Tomás García', username: 'tgarcia', password: 'maple river sixty one' };
const PATIENTS = [
  { wa: '34612345678', name: 'Ana María Pérez', birthDate: '14/03/1987', gender: 'female', email: 'ana@example.com', address: 'Calle Mayor 1, Madrid', reason: 'Headache for two weeks', history: 'Appendectomy in 2010', allergies: 'Penicillin: rash', medications: 'Ibuprofen 400 mg' },
  { wa: '34623456789', name: 'José Núñez', birthDate: '02/11/1975', gender: 'male', email: 'jose@example.com', address: 'Avenida de la Paz 7, Sevilla', reason: 'Knee pain after running', history: 'Asthma', allergies: 'Pollen', medications: 'Salbutamol inhaler' },
  { wa: '34634567890', name: 'Zoë Ødegård', birthDate: '30/06/1999', gender: 'female', email: 'zoe@example.com', address: 'Plaça Reial 3, Barcelona', reason: 'Annual check-up', history: 'None', allergies: 'Latex', medications: 'None' },
];
const CLINICAL_SECRET = PATIENTS[0].allergies; // must never be on the front desk's screen

let browser = null;
let graph = null;
const step = stepper(() => browser);
const dataDir = freshDataDir('desk');
let intakeId = null;

async function open(page) {
  await click(browser, tid(`nav-${page}`));
  await visible(browser, tid(`page-title-${page}`));
}

async function pickOption(selector, label) {
  await click(browser, selector);
  await click(browser, `//*[@role="option"][normalize-space()="${label}"]`);
}

async function addUser(user, roleLabel) {
  await click(browser, tid('users-create'));
  await fill(browser, tid('create-user-display-name'), user.displayName);
  await fill(browser, tid('create-user-username'), user.username);
  await pickOption(tid('create-user-role'), roleLabel);
  await fill(browser, tid('create-user-password'), user.password);
  await click(browser, tid('create-user-submit'));
  await browser.waitUntil(async () => (await pageText(browser)).includes(user.username), {
    timeout: WAIT_MS,
    timeoutMsg: `${user.username} did not appear in the users table`,
  });
}

/** Exports the queue from the UI; returns the file written (run.sh points the save at E2E_EXPORT_DIR). */
async function exportQueue(format) {
  await open('queue');
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="queue-row-"]')).length === PATIENTS.length, {
    timeout: WAIT_MS, timeoutMsg: 'the queue does not show every intake before exporting',
  });
  await click(browser, tid('export-button'));
  await click(browser, tid(`export-format-${format}`));
  const done = await visible(browser, tid('export-done'), 60_000);
  assert.equal(Number(await done.getAttribute('data-rows')), PATIENTS.length);
  const file = path.join(process.env.E2E_EXPORT_DIR, await done.getAttribute('data-file'));
  assert.ok(existsSync(file), `${file} was not written`);
  return file;
}

/** Sets a native date or time input the way React sees typing (WebKitWebDriver types into them unreliably). */
async function setInput(selector, value) {
  const el = await visible(browser, selector);
  await browser.execute((e, v) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(e, v);
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
  }, el, value);
  await browser.waitUntil(async () => (await el.getValue()) === value, { timeout: 5_000, timeoutMsg: `${selector} did not take ${value}` });
}

async function openFirstIntake() {
  await open('queue');
  // The name cell: WebKitWebDriver will not click a whole table row.
  await click(browser, `${tid(`queue-row-${intakeId}`)} td:nth-child(2)`);
  await visible(browser, tid('intake-detail'));
}

describe('the desk: live queue, roles, review, audit, inbox, Try the bot, idle lock', () => {
  before(async () => {
    graph = await startGraph();
  });
  after(async () => {
    await quit(browser);
    browser = null;
    await graph?.close();
  });

  step('set-up and the admin signs in to the dashboard', async () => {
    browser = await launch(dataDir);
    await firstRun(browser, { clinic: CLINIC, ...ADMIN });
    await signIn(browser, ADMIN);
    await visible(browser, tid('page-title-dashboard'));
    const state = await (await visible(browser, tid('bot-webhook'))).getAttribute('data-state');
    assert.equal(state, 'not_configured');
    await screenshot(browser, '10-dashboard-not-connected.png');
  }, 180_000);

  step('Settings: the WhatsApp connection is saved (secrets go to the keyring, never back)', async () => {
    await open('settings');
    await fill(browser, tid('wa-phone-number-id'), PHONE_NUMBER_ID);
    await fill(browser, tid('wa-business-account-id'), BUSINESS_ACCOUNT_ID);
    await fill(browser, tid('wa-app-secret'), APP_SECRET);
    await fill(browser, tid('wa-access-token'), ACCESS_TOKEN);
    await click(browser, tid('wa-save'));
    await visible(browser, tid('wa-saved'));
    const text = await pageText(browser);
    assert.ok(!text.includes(APP_SECRET) && !text.includes(ACCESS_TOKEN), 'a secret is on screen');
    assert.ok((await textOf(browser, tid('wa-verify-token'))).length >= 20);
    await screenshot(browser, '11-settings.png');
  });

  step('the dashboard shows the webhook server listening on this PC', async () => {
    await open('dashboard');
    await browser.waitUntil(
      async () => (await (await browser.$(tid('bot-webhook'))).getAttribute('data-state')) === 'listening',
      { timeout: WAIT_MS, timeoutMsg: 'the webhook server did not start after saving the connection' },
    );
  });

  step("Connect WhatsApp: the clinic's own HTTPS address, then Meta's verification arrives", async () => {
    await open('connect');
    await click(browser, tid('tunnel-mode-own_url'));
    await fill(browser, tid('tunnel-public-url'), 'https://intake.clinica-del-parque.example/');
    await click(browser, tid('tunnel-save'));
    await browser.waitUntil(
      async () => (await (await browser.$(tid('health-tunnel'))).getAttribute('data-state')) === 'online',
      { timeout: WAIT_MS, timeoutMsg: 'the public address is not shown as online' },
    );
    await click(browser, tid('connect-next'));
    await click(browser, tid('connect-next'));
    assert.equal(await textOf(browser, tid('setup-callback-url')), 'https://intake.clinica-del-parque.example/webhook');
    const verifyToken = await textOf(browser, tid('setup-verify-token'));
    assert.ok(verifyToken.length >= 20);
    await visible(browser, tid('setup-waiting'));
    // What Meta does when the admin presses "Verify and save", sent to the app's webhook port.
    const url = `http://127.0.0.1:${process.env.E2E_WEBHOOK_PORT}/webhook?hub.mode=subscribe` +
      `&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=8675309`;
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '8675309');
    await visible(browser, tid('setup-verified'));
    await browser.waitUntil(
      async () => (await (await browser.$(tid('health-panel'))).getAttribute('data-state')) === 'ok',
      { timeout: WAIT_MS, timeoutMsg: 'the health panel is not all green after verification' },
    );
    await screenshot(browser, '23-connect-verified.png');
  });

  step('a forged webhook is refused with 401, nothing appears, and the health panel turns red', async () => {
    const status = await postSigned({ object: 'whatsapp_business_account', entry: [] }, 'not-the-app-secret-not-the-app-sec');
    assert.equal(status, 401);
    await open('dashboard');
    await browser.waitUntil(
      async () => (await (await browser.$(tid('health-panel'))).getAttribute('data-state')) === 'failing',
      { timeout: WAIT_MS, timeoutMsg: 'the bad signature does not show on the health panel' },
    );
    await (await visible(browser, tid('health-bad-signatures'))).scrollIntoView({ block: 'center' });
    await screenshot(browser, '24-health-failing.png');
  });

  step('the admin adds a front-desk user and a doctor', async () => {
    await open('users');
    await addUser(DESK, 'Front desk');
    await addUser(DOCTOR, 'Doctor');
  });

  step('patients message the clinic: intakes appear in the open queue without a reload', async () => {
    await open('queue');
    await visible(browser, tid('queue-empty'));
    await screenshot(browser, '12-queue-empty.png');
    const start = Math.floor(Date.now() / 1000) - 120;
    for (const [i, p] of PATIENTS.entries()) {
      const script = intakeScript(p);
      for (const [n, s] of script.entries()) {
        await patientSays(p.wa, p.name, s, start + i * 20 + n);
        await sleep(60);
      }
    }
    await browser.waitUntil(
      async () => (await browser.$$('[data-testid^="queue-row-"]')).length === PATIENTS.length,
      { timeout: 60_000, timeoutMsg: 'the intakes did not appear in the queue' },
    );
    const ids = [];
    for (const row of await browser.$$('[data-testid^="queue-row-"]')) {
      ids.push(Number((await row.getAttribute('data-testid')).replace('queue-row-', '')));
    }
    intakeId = Math.min(...ids);
    assert.ok((await pageText(browser)).includes(PATIENTS[0].name));
    assert.ok(graph.sentTo(PATIENTS[0].wa).length >= 15, 'the bot answered through the fake Graph API');
    await screenshot(browser, '13-queue.png');
  }, 180_000);

  step('the queue searches by name and by phone digits', async () => {
    await fill(browser, tid('queue-search'), 'nunez');
    await browser.waitUntil(async () => (await browser.$$('[data-testid^="queue-row-"]')).length === 1, {
      timeout: WAIT_MS, timeoutMsg: 'searching "nunez" did not leave one row (accents ignored)',
    });
    await fill(browser, tid('queue-search'), '634 567');
    await browser.waitUntil(async () => (await pageText(browser)).includes('Zoë Ødegård') && (await browser.$$('[data-testid^="queue-row-"]')).length === 1, {
      timeout: WAIT_MS, timeoutMsg: 'searching phone digits did not find the patient',
    });
    await (await browser.$(tid('queue-search'))).clearValue();
    await fill(browser, tid('queue-search'), ' ');
  });

  step('the admin opens an intake: answers, transcript with ticks, consent', async () => {
    await openFirstIntake();
    assert.equal(await textOf(browser, tid('intake-name')), PATIENTS[0].name);
    await visible(browser, tid('section-clinical'));
    await visible(browser, tid('consent'));
    await browser.waitUntil(async () => (await browser.$$(tid('delivery-read'))).length > 0, {
      timeout: WAIT_MS, timeoutMsg: 'no read ticks in the transcript',
    });
    await screenshot(browser, '14-intake-detail.png');
    await signOut(browser);
  });

  step('the front desk sees demographic answers only', async () => {
    await signIn(browser, DESK);
    await openFirstIntake();
    await visible(browser, tid('clinical-hidden'));
    await visible(browser, tid('answer-full_name'));
    assert.equal(await (await browser.$(tid('section-clinical'))).isExisting(), false);
    assert.equal(await (await browser.$(tid('intake-transcript'))).isExisting(), false);
    const text = await pageText(browser);
    assert.ok(!text.includes(CLINICAL_SECRET), 'a clinical answer is on the front desk screen');
    assert.equal(await (await browser.$(tid('review-panel'))).isExisting(), false);
    await screenshot(browser, '15-front-desk-detail.png');
  });

  step('the front desk exports from the queue: patient details only, no clinical answer', async () => {
    const file = await exportQueue('csv');
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('\ufeff'), 'a BOM so Excel reads the accents');
    assert.ok(text.includes('Zoë Ødegård') && text.includes('José Núñez'));
    assert.ok(!text.includes(CLINICAL_SECRET), 'a clinical answer is in the front desk export');
    assert.ok(!text.includes('Reason for visit'));
    await visible(browser, tid('export-done'));
    await click(browser, `${tid('export-done')} button[aria-label="Dismiss"]`);
  }, 120_000);

  step('a patient asks for staff: the front desk takes over and replies from the inbox', async () => {
    const wa = '34645678901';
    const t = Math.floor(Date.now() / 1000);
    await patientSays(wa, 'Marta', { type: 'text', body: 'Hola' }, t);
    await patientSays(wa, 'Marta', { type: 'text', body: 'staff' }, t + 1);
    await open('inbox');
    const item = await visible(browser, '[data-testid^="inbox-item-"]', 60_000);
    await item.click();
    await click(browser, tid('inbox-take-over'));
    await visible(browser, tid('conversation-holder'));
    await fill(browser, tid('inbox-reply'), 'Hola Marta, soy Rosa de recepción. ¿En qué puedo ayudarle?');
    await click(browser, tid('inbox-reply-send'));
    await browser.waitUntil(async () => graph.sentTo(wa).some((s) => (s.body.text?.body || '').includes('soy Rosa')), {
      timeout: WAIT_MS, timeoutMsg: 'the staff reply did not reach the Graph API',
    });
    await visible(browser, tid('inbox-window'));
    await screenshot(browser, '16-inbox.png');
    await signOut(browser);
  }, 180_000);

  step('the front desk books from an intake: the confirmation and the 1-hour reminder reach the patient', async () => {
    await signIn(browser, DESK);
    await openFirstIntake();
    await click(browser, tid('intake-book'));
    await visible(browser, tid('appt-form-patient'));
    // A start an hour after the next whole minute, so the 1-hour reminder falls due within a
    // minute of booking (the real clock: the app has no test hook for time).
    const now = new Date();
    const lead = 60 - now.getSeconds() < 15 ? 2 : 1;
    const start = new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours(), now.getMinutes() + lead + 60);
    const pad = (n) => String(n).padStart(2, '0');
    await setInput(tid('appt-form-date'), `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`);
    await setInput(tid('appt-form-time'), `${pad(start.getHours())}:${pad(start.getMinutes())}`);
    await fill(browser, tid('appt-form-location'), 'Consulta 2');
    await click(browser, tid('appt-form-submit'));
    await visible(browser, '[data-testid^="intake-appointment-"]');
    // The day's list, then the appointment's own panel with its messages.
    await open('appointments');
    const row = await visible(browser, '[data-testid^="appt-row-"]');
    await row.click();
    const detail = await visible(browser, tid('appt-detail'));
    const appointmentId = await detail.getAttribute('data-appointment-id');
    assert.ok(Number(appointmentId) > 0);
    const delivery = async (kind) => (await browser.$(tid(`appt-message-${kind}`))).getAttribute('data-delivery');
    await browser.waitUntil(async () => (await delivery('appointment_confirmation')) === 'read', {
      timeout: WAIT_MS, timeoutMsg: 'the booking confirmation did not show as read',
    });
    assert.equal(await delivery('reminder_1h'), 'planned');
    await browser.waitUntil(async () => (await delivery('reminder_1h')) === 'read', {
      timeout: 150_000, interval: 1_000, timeoutMsg: 'the 1-hour reminder was not sent and read',
    });
    await visible(browser, `${tid('appt-message-reminder_1h')} ${tid('delivery-read')}`);
    // Inside the patient's 24-hour window the reminder goes as text with the three answers.
    const sent = graph.sentTo(PATIENTS[0].wa).filter((m) => m.body.type === 'interactive');
    const withAnswers = sent.filter((m) => JSON.stringify(m.body).includes(`appt:${appointmentId}:confirm`)
      && m.body.interactive.action.buttons.length === 3);
    // The booking confirmation and the reminder, each with Confirm / Reschedule / Cancel.
    assert.equal(withAnswers.length, 2, 'the confirmation and the reminder did not both reach the Graph API');
    await screenshot(browser, '25-appointment-reminder.png');
    await browser.keys('Escape');
    await gone(browser, tid('appt-detail'));
    await signOut(browser);
  }, 240_000);

  step('the doctor reviews the intake with a note', async () => {
    await signIn(browser, DOCTOR);
    await openFirstIntake();
    await visible(browser, tid('section-clinical'));
    assert.ok((await pageText(browser)).includes(CLINICAL_SECRET));
    await click(browser, tid('review-status-reviewed'));
    await fill(browser, tid('review-note'), 'Migraine likely; book a follow-up in 2 weeks.');
    await click(browser, tid('review-save'));
    await visible(browser, tid('review-saved'));
    await visible(browser, tid('intake-note'));
    await visible(browser, `${tid('intake-status')} [data-status="reviewed"]`);
    assert.match(await textOf(browser, tid('intake-status')), new RegExp(DOCTOR.displayName));
    await screenshot(browser, '17-doctor-review.png');
    await signOut(browser);
  });

  step('the admin sees the review in the audit log, and the chain verifies', async () => {
    await signIn(browser, ADMIN);
    await open('audit');
    await fill(browser, tid('audit-search'), 'intake.reviewed');
    await click(browser, tid('audit-search-submit'));
    await browser.waitUntil(async () => (await pageText(browser)).includes(DOCTOR.username), {
      timeout: WAIT_MS, timeoutMsg: 'the review is not in the audit log',
    });
    await click(browser, tid('audit-verify'));
    await visible(browser, tid('audit-verify-result'));
    await screenshot(browser, '18-audit.png');
  });

  step('Reminders & templates: the ready-made texts to submit, the message mapping and its preview', async () => {
    await open('templates');
    await browser.waitUntil(async () => (await pageText(browser)).includes('appointment_reminder_24h'), {
      timeout: WAIT_MS, timeoutMsg: 'the ready-made reminder texts are not listed',
    });
    await screenshot(browser, '26-templates.png');
  });

  step('the admin exports the queue to Excel in one click and the workbook opens', async () => {
    const file = await exportQueue('xlsx');
    await screenshot(browser, '22-export-done.png');
    assert.match(path.basename(file), /^intakes-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.worksheets[0];
    const header = sheet.getRow(1).values.slice(1);
    for (const h of ['Intake ID', 'Status', 'Submitted at', 'WhatsApp number', 'Full name', 'Reason for visit', 'Allergies']) {
      assert.ok(header.includes(h), `no ${h} column in ${header}`);
    }
    assert.equal(sheet.actualRowCount, PATIENTS.length + 1);
    const col = (h) => header.indexOf(h) + 1;
    const names = [];
    for (let r = 2; r <= sheet.actualRowCount; r++) {
      const row = sheet.getRow(r);
      names.push(row.getCell(col('Full name')).value);
      assert.equal(typeof row.getCell(col('WhatsApp number')).value, 'string', 'phone numbers are text');
      assert.ok(row.getCell(col('Submitted at')).value instanceof Date, 'submitted at is a real date');
      assert.equal(row.getCell(col('Full name')).formula, undefined);
    }
    assert.deepEqual([...names].sort(), PATIENTS.map((p) => p.name).sort());
    const reviewed = sheet.getRow(2 + names.indexOf(PATIENTS[0].name));
    assert.equal(reviewed.getCell(col('Status')).value, 'Reviewed');
    assert.equal(reviewed.getCell(col('Reviewed by')).value, DOCTOR.displayName);
    assert.ok(book.worksheets.length === 2 && book.worksheets[1].name === 'Columns');
    await click(browser, `${tid('export-done')} button[aria-label="Dismiss"]`);
    // The export is in the audit log with its format and row count.
    await open('audit');
    await fill(browser, tid('audit-search'), 'export.created');
    await click(browser, tid('audit-search-submit'));
    await browser.waitUntil(async () => (await pageText(browser)).includes('xlsx'), {
      timeout: WAIT_MS, timeoutMsg: 'the export is not in the audit log',
    });
  }, 120_000);

  step('the dashboard counts today\'s intakes and the chart has 30 days', async () => {
    await open('dashboard');
    await browser.waitUntil(async () => (await textOf(browser, tid('dashboard-today-total-value'))) === String(PATIENTS.length), {
      timeout: WAIT_MS, timeoutMsg: 'today\'s total is not the number of intakes',
    });
    assert.equal((await browser.$$(tid('chart-bar'))).length, 30);
    await screenshot(browser, '19-dashboard.png');
  });

  step('Try the bot: the real engine in a practice chat', async () => {
    await open('trybot');
    await visible(browser, tid('trybot-banner'));
    await click(browser, tid('trybot-button-q:language:en'));
    await visible(browser, tid('trybot-button-q:consent:true'));
    await screenshot(browser, '20-try-the-bot.png');
  });

  step('the idle lock engages on its own and the password unlocks', async () => {
    assert.equal(await quit(browser), true);
    browser = await launch(dataDir, ['--test-idle-lock-secs', '4']);
    await signIn(browser, ADMIN);
    // Nobody touches anything: the lock screen comes by itself (idle 4 s + the 15 s poll).
    await visible(browser, tid('lock-screen'), 45_000);
    await screenshot(browser, '21-idle-lock.png');
    await fill(browser, tid('unlock-password'), ADMIN.password);
    await click(browser, tid('unlock-submit'));
    assert.equal(await textOf(browser, tid('shell-user')), ADMIN.displayName);
  }, 180_000);
});
