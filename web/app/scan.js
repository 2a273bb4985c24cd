// The web scanner. Every judgement is made by townpass-core compiled to WebAssembly (the same
// code as townpass-scan and the server); this file stores what the module hands it in IndexedDB,
// moves bytes over the network and draws the verdict. A visit is written to IndexedDB, and the
// write has completed, before the green screen shows.

const config = JSON.parse(document.getElementById('tp-config').textContent);
const T = config.strings;
const lang = config.lang;
const $ = (id) => document.getElementById(id);
const say = (key, args = {}) =>
  (T[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => (name in args ? String(args[name]) : `{${name}}`));

const wasm = await import(config.assets.glue);
await wasm.default({ module_or_path: config.assets.wasm });

// ---------------------------------------------------------------------------------------------
// IndexedDB: 'meta' (identity, key, state, next_local_id, next_seq) and 'visits' (by local id).

const db = await new Promise((resolve, reject) => {
  const open = indexedDB.open('townpass-scan', 2);
  open.onupgradeneeded = (e) => {
    const d = open.result;
    if (e.oldVersion < 1) {
      d.createObjectStore('meta');
      const visits = d.createObjectStore('visits', { keyPath: 'local_id' });
      visits.createIndex('uploaded', 'uploaded');
    }
    if (e.oldVersion < 2) {
      // Uploaded visits by expiry: the ones to forget are found without reading every visit.
      open.transaction.objectStore('visits').createIndex('uploaded_exp', ['uploaded', 'exp']);
    }
  };
  open.onsuccess = () => {
    // A newer version of this page opened in another tab: make way for it.
    open.result.onversionchange = () => { open.result.close(); location.reload(); };
    resolve(open.result);
  };
  open.onerror = () => reject(open.error);
});

function tx(stores, mode, work) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(stores, mode, { durability: 'strict' });
    let result;
    Promise.resolve(work(t)).then((r) => { result = r; }, (e) => { t.abort(); reject(e); });
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error('aborted'));
  });
}
const req = (r) => new Promise((resolve, reject) => {
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});
const getMeta = (key) => tx(['meta'], 'readonly', (t) => req(t.objectStore('meta').get(key)));

// ---------------------------------------------------------------------------------------------
// The device

let scanner = null;
let knownLocalId = 0; // the newest visit (local id) this page's module has been told of
let identity = await getMeta('identity');
let deviceKey = null; // a non-extractable WebCrypto key, or a seed (hex) for the WebAssembly module

const toHex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/// A new device key: WebCrypto Ed25519, not extractable, where the browser has it; otherwise a
/// seed the WebAssembly module signs with. Returns [key, public key hex].
async function newDeviceKey() {
  // `?key=wasm` takes the path of browsers without WebCrypto Ed25519 (for tests and diagnosis).
  const forceWasm = new URLSearchParams(location.search).get('key') === 'wasm';
  try {
    if (forceWasm) throw new Error('WebAssembly key asked for');
    const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
    return [pair.privateKey, toHex(raw)];
  } catch (_) {
    const seed = wasm.device_seed(crypto.getRandomValues(new Uint8Array(32)));
    return [seed, wasm.public_key(seed)];
  }
}

/// Signs a document (JSON text): the envelope the device API takes, as JSON text.
async function seal(body) {
  if (typeof deviceKey === 'string') return wasm.seal_with_seed(deviceKey, body);
  const sig = await crypto.subtle.sign({ name: 'Ed25519' }, deviceKey, new TextEncoder().encode(body));
  return JSON.stringify({ body, sig: toHex(sig) });
}

async function start() {
  deviceKey = await getMeta('key');
  document.body.dataset.key = typeof deviceKey === 'string' ? 'wasm' : 'webcrypto';
  const state = (await getMeta('state')) ?? '';
  scanner = new wasm.Scanner(JSON.stringify(identity), state);
  const visits = await tx(['visits'], 'readonly', (t) => req(t.objectStore('visits').getAll()));
  for (const v of visits) learn(v);
  // Ask the browser not to evict this site's data (visits not yet uploaded, the device key).
  navigator.storage?.persist?.().catch(() => {});
  $('enrol').hidden = true;
  $('scan').hidden = false;
  fillOffers();
  await status();
  startCamera();
  focusWedge();
  sync();
  setInterval(sync, 60_000);
  setInterval(status, 15_000);
  window.addEventListener('online', () => sync());
  window.addEventListener('offline', () => status());
}

/// Tells the module of a visit recorded on this phone (by this page or another tab of it).
function learn(v) {
  scanner.add_visit(v.serial, v.offer ?? undefined, v.scanned_at_ms);
  knownLocalId = Math.max(knownLocalId, v.local_id);
}

async function enrol(code) {
  const [key, publicKey] = await newDeviceKey();
  const response = await fetch('/api/device/v1/enroll', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: code.trim(), public_key: publicKey }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error?.message ?? body.message ?? `HTTP ${response.status}`);
  identity = {
    server: location.origin,
    device_id: body.device_id,
    device_name: body.device_name,
    venue: body.venue,
    server_key: body.server_key,
  };
  await tx(['meta'], 'readwrite', async (t) => {
    const meta = t.objectStore('meta');
    meta.put(key, 'key');
    meta.put(identity, 'identity');
    // Enrolled again (a disabled device, a new code): visits not yet uploaded stay and go up
    // under the new enrolment, so local ids go on from where they were; the old bundle goes.
    const next = (await req(meta.get('next_local_id'))) ?? 1;
    meta.put(next, 'next_local_id');
    meta.put(1, 'next_seq');
    meta.delete('state');
  });
}

// ---------------------------------------------------------------------------------------------
// Sync: upload what waits, then fetch the bundle delta. Never in the way of a scan.

let syncing = false;
let lastError = null;
let retry = null;
let retryIn = 5000;

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { const j = JSON.parse(text); message = j.error?.message ?? j.message ?? text; } catch (_) { /* text */ }
    const error = new Error(`${response.status}: ${message}`);
    error.refused = true; // the server answered, and said no
    error.status = response.status;
    throw error;
  }
  return text;
}

async function sync() {
  if (syncing || !scanner) return;
  syncing = true;
  $('sync').disabled = true;
  try {
    for (;;) {
      const batch = await tx(['meta', 'visits'], 'readwrite', async (t) => {
        const all = await req(t.objectStore('visits').index('uploaded').getAll(0, 500));
        if (all.length === 0) return null;
        const meta = t.objectStore('meta');
        const seq = (await req(meta.get('next_seq'))) ?? 1;
        meta.put(seq + 1, 'next_seq');
        return { seq, items: all };
      });
      if (!batch) break;
      const items = batch.items.map((v) => ({
        local_id: v.local_id, token: v.token, offer: v.offer ?? null, scanned_at_ms: v.scanned_at_ms,
      }));
      const envelope = await seal(scanner.upload(JSON.stringify(items), batch.seq, Date.now()));
      const answer = JSON.parse(await post('/api/device/v1/upload', envelope));
      const acknowledged = new Set(answer.items.map((i) => i.local_id));
      await tx(['visits'], 'readwrite', async (t) => {
        const store = t.objectStore('visits');
        for (const v of batch.items) {
          if (acknowledged.has(v.local_id)) store.put({ ...v, uploaded: 1 });
        }
      });
    }
    for (let page = 0; page < 1000; page++) {
      const signed = await post('/api/device/v1/bundle', await seal(scanner.bundle_request(Date.now())));
      const applied = JSON.parse(scanner.apply_bundle(signed, Date.now()));
      await tx(['meta'], 'readwrite', (t) => t.objectStore('meta').put(scanner.state_json(), 'state'));
      if (!applied.more) break;
    }
    // Visits are kept until their pass expires, so this phone never admits it twice.
    const nowS = Date.now() / 1000;
    await tx(['visits'], 'readwrite', async (t) => {
      const store = t.objectStore('visits');
      const expired = await req(store.index('uploaded_exp').getAllKeys(IDBKeyRange.bound([1, 0], [1, nowS], false, true)));
      for (const key of expired) store.delete(key);
    });
    lastError = null;
    retryIn = 5000;
    fillOffers();
  } catch (e) {
    lastError = { message: e.message, refused: e.refused === true, status: e.status };
    // Back again soon: the server or the network may be back any moment.
    clearTimeout(retry);
    retry = setTimeout(sync, retryIn);
    retryIn = Math.min(retryIn * 2, 60_000);
  } finally {
    syncing = false;
    $('sync').disabled = false;
    await status();
  }
}

let syncSoon = null;
function scheduleSync() {
  clearTimeout(syncSoon);
  syncSoon = setTimeout(sync, 5000);
}

// ---------------------------------------------------------------------------------------------
// Status bar

function ago(ms) {
  if (!ms) return say('never');
  const min = Math.max(0, Math.round((Date.now() - ms) / 60000));
  if (min < 1) return say('just_now');
  if (min < 120) return say('minutes_ago', { n: min });
  return say('hours_ago', { n: Math.round(min / 60) });
}

async function status() {
  if (!scanner) return;
  const s = JSON.parse(scanner.status(lang));
  const pending = await tx(['visits'], 'readonly', (t) => req(t.objectStore('visits').index('uploaded').count(0)));
  $('st-venue').textContent = s.venue_name ?? s.venue;
  $('st-gate').textContent = s.gate;
  $('st-bundle').textContent = say('bundle_age', { age: ago(s.synced_at_ms) });
  $('st-pending').textContent = say('pending', { n: pending });
  $('st-pending').dataset.count = pending;
  const online = navigator.onLine && !lastError;
  const net = $('st-net');
  net.textContent = online
    ? say('online')
    : lastError?.refused ? say('sync_refused', { error: lastError.message }) : say('offline');
  net.className = `net ${online ? 'online' : 'offline'}`;
  net.title = lastError?.message ?? '';
  // The server no longer knows this device (disabled, or enrolled elsewhere): offer a new code.
  // A new code opened on an enrolled phone is offered too.
  $('reenrol').hidden = !((lastError?.refused && lastError.status === 401) || codeInLink);
}

function fillOffers() {
  const offers = JSON.parse(scanner.offers(lang));
  const select = $('offer');
  const chosen = select.value;
  select.replaceChildren(new Option(say('offer_auto'), ''));
  for (const o of offers) select.add(new Option(`${o.name} (${o.product})`, o.code));
  select.value = offers.some((o) => o.code === chosen) ? chosen : '';
  $('offer-row').hidden = offers.length < 2;
}

// ---------------------------------------------------------------------------------------------
// Judging a pass

let judging = false;
const recent = new Map(); // token -> when the camera last saw it (or its verdict went away)
let lastJudged = null;

window.townpassVerdicts = [];

async function judge(input, from, frameAt = null) {
  if (!scanner) return;
  const token = wasm.normalise_token(input) ?? input.trim();
  if (!token) return;
  if (from === 'camera') {
    // A code held in front of the camera is judged once; shown again after it has been out of
    // view for a moment, it is judged again.
    const seen = recent.get(token);
    recent.set(token, Date.now());
    if (seen !== undefined && Date.now() - seen < 2500) return;
    if (judging) return;
  }
  // A reader's code that arrives while another is judged waits its turn.
  while (judging) await new Promise((resolve) => setTimeout(resolve, 10));
  judging = true;
  const started = performance.now();
  try {
    const now = Date.now();
    if (!scanner.has_bundle()) {
      show({ accepted: false, code: 'no_bundle', message: say('no_bundle') }, 0);
      return;
    }
    const offer = $('offer').value || undefined;
    let v;
    let checkMs = 0;
    let recorded = null;
    // One transaction for what this phone knows, the verdict and the visit: another tab or the
    // installed app of this phone judging the same pass waits for it, and learns the visit first.
    await tx(['meta', 'visits'], 'readwrite', async (t) => {
      const visits = t.objectStore('visits');
      const newer = await req(visits.getAll(IDBKeyRange.lowerBound(knownLocalId, true)));
      for (const n of newer) learn(n);
      const checkStarted = performance.now();
      v = JSON.parse(scanner.check(token, now, offer, lang));
      checkMs = performance.now() - checkStarted;
      if (v.accepted) {
        const meta = t.objectStore('meta');
        const localId = (await req(meta.get('next_local_id'))) ?? 1;
        meta.put(localId + 1, 'next_local_id');
        recorded = {
          local_id: localId, token, offer: v.offer ?? null, scanned_at_ms: now,
          serial: v.serial, exp: v.exp ?? null, uploaded: 0,
        };
        visits.put(recorded);
      }
    });
    // Written, and the write completed: now the module knows it, and the screen may say so.
    if (recorded) {
      learn(recorded);
      scheduleSync();
    }
    recent.set(token, Date.now());
    lastJudged = token;
    if (recent.size > 200) {
      for (const [k, at] of recent) if (Date.now() - at > 10_000) recent.delete(k);
    }
    const judged = performance.now() - started;
    show(v, judged);
    // What the page judged, for the operator's diagnostics and the browser tests.
    window.townpassVerdicts.push({
      code: v.code, accepted: v.accepted, from, check_ms: checkMs, judge_ms: judged,
      frame_to_verdict_ms: from === 'camera' && frameAt !== null ? performance.now() - frameAt : null,
    });
    status();
  } catch (e) {
    show({ accepted: false, code: 'error', message: say('store_failed', { error: e.message }) }, 0);
  } finally {
    judging = false;
  }
}

let hideVerdict = null;
function show(v, ms) {
  const box = $('verdict');
  box.className = v.accepted ? 'ok' : 'no';
  box.dataset.code = v.code;
  box.dataset.ms = ms.toFixed(2);
  $('v-head').textContent = v.accepted ? say('accepted') : say('refused');
  $('v-holder').textContent = v.holder ?? '';
  $('v-category').textContent = v.category_name
    ? say(`category_${v.category_name}`)
    : v.category != null ? say('category_number', { n: v.category }) : '';
  $('v-product').textContent = v.product_name ?? '';
  $('v-reason').textContent = v.message ?? '';
  box.hidden = false;
  if (!v.accepted) {
    navigator.vibrate?.([250, 100, 250]);
    beep();
  }
  clearTimeout(hideVerdict);
  hideVerdict = setTimeout(dismiss, v.accepted ? 1200 : 2500);
  window.dispatchEvent(new CustomEvent('townpass-verdict', { detail: { ...v, ms } }));
}
function dismiss() {
  $('verdict').hidden = true;
  // The pause before the same code is judged again counts from here, not from the verdict.
  if (lastJudged !== null) recent.set(lastJudged, Date.now());
  focusWedge();
}

let audio = null;
// Browsers let a page make sound only after a tap or a key: the first one opens the audio.
function unlockAudio() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') audio.resume();
  } catch (_) { /* no sound on this device */ }
}
window.addEventListener('pointerdown', unlockAudio, { once: true, capture: true });
window.addEventListener('keydown', unlockAudio, { once: true, capture: true });
function beep() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') audio.resume();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 330;
    gain.gain.value = 0.3;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.35);
  } catch (_) { /* no sound on this device */ }
}

// ---------------------------------------------------------------------------------------------
// Camera: BarcodeDetector where the browser has it, otherwise the WebAssembly decoder in a worker.

let worker = null;
let workerReady = null;
let frameId = 0;
const canvas = document.createElement('canvas');
const context = canvas.getContext('2d', { willReadFrequently: true });

function decodeInWorker(luma, width, height) {
  workerReady ??= new Promise((resolve) => {
    worker = new Worker(config.assets.worker, { type: 'module' });
    worker.onmessage = (e) => { if (e.data.ready) resolve(); };
    worker.postMessage({ init: true, glue: config.assets.glue, wasm: config.assets.wasm });
  });
  return workerReady.then(() => new Promise((resolve) => {
    const id = ++frameId;
    const onMessage = (e) => {
      if (e.data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      resolve(e.data.text);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ id, luma, width, height }, [luma.buffer]);
  }));
}

async function startCamera() {
  const video = $('camera');
  const noCamera = () => {
    // No viewfinder to aim with: the reader field is the way in.
    $('camera-note').hidden = false;
    $('aim').hidden = true;
    $('token').inputMode = 'text';
  };
  if (!navigator.mediaDevices?.getUserMedia) { noCamera(); return; }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch (_) {
    noCamera();
    return;
  }
  video.srcObject = stream;
  await video.play().catch(() => {});
  let detector = null;
  const forceWasm = new URLSearchParams(location.search).get('decoder') === 'wasm';
  if (!forceWasm && 'BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    } catch (_) { detector = null; }
  }
  document.body.dataset.decoder = detector ? 'barcode-detector' : 'wasm';
  const tick = async () => {
    try {
      if (video.readyState >= 2 && $('verdict').hidden && !judging) {
        const frameAt = performance.now();
        let text = null;
        if (detector) {
          const codes = await detector.detect(video);
          text = codes[0]?.rawValue ?? null;
        } else {
          const scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
          const w = Math.round(video.videoWidth * scale);
          const h = Math.round(video.videoHeight * scale);
          canvas.width = w;
          canvas.height = h;
          context.drawImage(video, 0, 0, w, h);
          const rgba = context.getImageData(0, 0, w, h).data;
          const luma = new Uint8Array(w * h);
          for (let i = 0, j = 0; j < luma.length; i += 4, j++) {
            luma[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
          }
          text = await decodeInWorker(luma, w, h);
        }
        if (text) await judge(text, 'camera', frameAt);
      }
    } catch (_) { /* the next frame */ }
    setTimeout(tick, 60);
  };
  tick();
}

// ---------------------------------------------------------------------------------------------
// Keyboard wedge: a USB or Bluetooth reader types the token and Enter into the field.

// With a camera, focusing the field for a reader must not open the on-screen keyboard over the
// viewfinder; a person who taps it wants to type.
$('token').addEventListener('pointerdown', () => { $('token').inputMode = 'text'; });

function focusWedge() {
  const field = $('token');
  if (document.activeElement !== $('offer')) field.focus({ preventScroll: true });
}

$('wedge').addEventListener('submit', (e) => {
  e.preventDefault();
  const field = $('token');
  const token = field.value;
  field.value = '';
  judge(token, 'keyboard');
});
$('verdict').addEventListener('click', dismiss);
$('reenrol').addEventListener('click', () => {
  if (!window.confirm(say('reenrol_confirm'))) return;
  $('scan').hidden = true;
  $('enrol').hidden = false;
  $('code').focus();
});
$('sync').addEventListener('click', () => sync());

$('enrol-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = e.submitter ?? $('enrol-form').querySelector('button[type=submit]');
  button.disabled = true;
  $('enrol-error').hidden = true;
  try {
    await enrol($('code').value);
    // Enrolled again on a running page: start afresh with the new identity.
    if (scanner) { location.reload(); return; }
    await start();
  } catch (err) {
    $('enrol-error').textContent = say('enrol_failed', { error: err.message });
    $('enrol-error').hidden = false;
  } finally {
    button.disabled = false;
  }
});

// "Add to home screen": the browser's own prompt where it has one (Chrome, Edge, Samsung), a
// hint on iPhones and iPads (Safari has no prompt to offer).
let installPrompt = null;
window.addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault();
  installPrompt = e;
  $('install').hidden = false;
});
window.addEventListener('appinstalled', () => { $('install').hidden = true; });
$('install').addEventListener('click', async () => {
  if (!installPrompt) return;
  installPrompt.prompt();
  await installPrompt.userChoice.catch(() => {});
  installPrompt = null;
  $('install').hidden = true;
});
$('ios-install').hidden = !(/iPhone|iPad|iPod/.test(navigator.userAgent) && navigator.standalone === false);

// Switching language on the enrolment form keeps the code typed or brought by the link.
for (const link of document.querySelectorAll('#enrol nav.langs a')) {
  link.addEventListener('click', (e) => {
    const code = $('code').value.trim();
    if (!code) return;
    e.preventDefault();
    const url = new URL(link.href);
    url.searchParams.set('code', code);
    location.href = url.toString();
  });
}

// Camera, service worker and WebCrypto keys need a secure context (https, or localhost): say so
// rather than quietly working without them.
$('insecure').hidden = window.isSecureContext;

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/scan/sw.js', { scope: '/scan' }).catch(() => {});
}

const params = new URLSearchParams(location.search);
const codeInLink = params.get('code');
if (codeInLink) {
  $('code').value = codeInLink;
  // The one-time code does not stay in the address bar or the history.
  params.delete('code');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
}
if (identity) {
  await start();
} else {
  $('enrol').hidden = false;
  $('code').focus();
}
document.body.dataset.ready = 'true';
