// The WhatsApp side of the end-to-end run, in Meta's wire format: patients' messages as signed
// webhooks posted to the app's own webhook port, and a fake Graph API that accepts the bot's
// replies and reports their delivery (sent → delivered → read) back through signed status
// webhooks, as Meta does. Only Meta's cloud is faked; the app under test is the real one.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the specs through tests/e2e/run.sh`);
  return value;
}

export const PHONE_NUMBER_ID = '106540352242922';
export const BUSINESS_ACCOUNT_ID = '102290129340398';
export const APP_SECRET = 'e2e0app0secret0e2e0app0secret000';
export const ACCESS_TOKEN = 'EAAe2eFakeTokenForTheLocalGraphApiOnly0000000000';
const WEBHOOK_URL = `http://127.0.0.1:${Number(env('E2E_WEBHOOK_PORT'))}/webhook`;
const GRAPH_PORT = Number(env('E2E_GRAPH_PORT'));

const unixNow = () => Math.floor(Date.now() / 1000);

function envelope(value) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: BUSINESS_ACCOUNT_ID, changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID },
      ...value,
    } }] }],
  };
}

/** POSTs a body signed with the app secret, as Meta does; returns the HTTP status. */
export async function postSigned(body, secret = APP_SECRET) {
  const raw = Buffer.from(JSON.stringify(body));
  const signature = 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
  const res = await fetch(WEBHOOK_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body: raw,
  });
  return res.status;
}

/** Like Meta: retries until the app acknowledges with 200 (bounded to 30 s). */
async function deliver(body) {
  const deadline = Date.now() + 30_000;
  let status = 0;
  while (Date.now() < deadline) {
    try {
      status = await postSigned(body);
      if (status === 200) return;
    } catch {}
    await sleep(200);
  }
  throw new Error(`the app did not acknowledge a webhook (last status ${status})`);
}

let wamidSeq = 0;

/** One patient's message: `{type:'text', body}`, `{type:'tap', id}` or `{type:'pick', id}`. */
export async function patientSays(from, name, step, timestamp = unixNow()) {
  wamidSeq += 1;
  const message = { from, id: `wamid.e2e.in.${from}.${wamidSeq}`, timestamp: String(timestamp) };
  if (step.type === 'text') Object.assign(message, { type: 'text', text: { body: step.body } });
  if (step.type === 'tap') Object.assign(message, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: step.id, title: step.id } } });
  if (step.type === 'pick') Object.assign(message, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: step.id, title: step.id } } });
  await deliver(envelope({ contacts: [{ profile: { name }, wa_id: from }], messages: [message] }));
}

/** The default form played through, as `script.rs` in the server tests does. */
export function intakeScript(p) {
  return [
    { type: 'text', body: 'Hi' },
    { type: 'tap', id: 'q:language:en' },
    { type: 'tap', id: 'q:consent:true' },
    { type: 'text', body: p.name },
    { type: 'text', body: p.birthDate },
    { type: 'pick', id: `q:gender:${p.gender}` },
    { type: 'tap', id: 'd:phone' },
    { type: 'text', body: p.email },
    { type: 'text', body: p.address },
    { type: 'text', body: p.reason },
    { type: 'text', body: p.history },
    { type: 'tap', id: 'q:has_allergies:true' },
    { type: 'text', body: p.allergies },
    { type: 'text', body: p.medications },
    { type: 'tap', id: 's:id_card' },
    { type: 'tap', id: 'r:confirm' },
  ];
}

/**
 * The fake Graph API on 127.0.0.1:E2E_GRAPH_PORT. Every accepted message gets a wamid, and
 * its delivery is reported back: sent, delivered and read, as signed status webhooks.
 */
export async function startGraph() {
  const sent = [];
  let seq = 0;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      let body = {};
      try { body = JSON.parse(data || '{}'); } catch {}
      const authorised = req.headers.authorization === `Bearer ${ACCESS_TOKEN}`;
      const path = `/v23.0/${PHONE_NUMBER_ID}/messages`;
      if (req.method !== 'POST' || req.url !== path || !authorised) {
        res.writeHead(authorised ? 404 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (body.status === 'read') {
        res.end(JSON.stringify({ success: true }));
        return;
      }
      seq += 1;
      const wamid = `wamid.e2e.out.${seq}`;
      sent.push({ to: body.to, body, wamid });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid }] }));
      void reportDelivery(wamid, body.to, body.biz_opaque_callback_data);
    });
  });
  await new Promise((resolve) => server.listen(GRAPH_PORT, '127.0.0.1', resolve));
  return {
    sent,
    /** Replies sent to `to` so far. */
    sentTo: (to) => sent.filter((s) => s.to === to),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function reportDelivery(wamid, to, callback) {
  for (const status of ['sent', 'delivered', 'read']) {
    await sleep(150);
    const s = { id: wamid, status, timestamp: String(unixNow()), recipient_id: to };
    if (callback) s.biz_opaque_callback_data = callback;
    try {
      await deliver(envelope({ statuses: [s] }));
    } catch (e) {
      console.error(`status webhook not delivered: ${e.message}`);
    }
  }
}
