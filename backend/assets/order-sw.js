// The pass pages' service worker (scope /o/). Each order page this phone opens, and its "show at
// the gate" view, is kept in a cache when the server marks it keepable (x-townpass-keep: 1: a
// paid or cancelled order, never on a staff member's computer): with a network the page comes
// fresh (and the copy is replaced, or dropped if it is no longer keepable); without one, the last
// copy is shown, QR codes and all. The latest MAX_ORDERS orders are kept. Nothing else is kept,
// and nothing is sent anywhere.

const CACHE = 'townpass-orders-1';
const MAX_ORDERS = 10;
const SCRIPT = '/assets/order.js';
const ORDER_PAGE = /^\/o\/[0-9a-f]{32}(\/gate)?$/;

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(caches.open(CACHE).then((cache) => cache.add(SCRIPT)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('townpass-orders-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// A copy is kept under the page's path alone, so `?lang=...` or a reload finds it.
const keyOf = (url) => new URL(url).pathname;

const keepable = (response) => response.ok
  && response.headers.get('x-townpass-keep') === '1'
  && response.headers.get('content-type')?.startsWith('text/html');

// The order a page belongs to: /o/ID for both /o/ID and /o/ID/gate.
const orderOf = (path) => (path.endsWith('/gate') ? path.slice(0, -5) : path);

// Keeps a keepable answer (and drops the oldest orders beyond MAX_ORDERS); drops the copies of
// an order whose page is no longer keepable. True when kept.
async function store(cache, path, response) {
  if (!keepable(response)) {
    // Both halves go: an order page and its gate view are kept, or dropped, together.
    const base = orderOf(path);
    await cache.delete(base);
    await cache.delete(`${base}/gate`);
    return false;
  }
  await cache.put(path, response);
  // Entries are listed oldest first (a page put again moves to the end).
  const orders = [];
  for (const request of await cache.keys()) {
    const p = new URL(request.url).pathname;
    if (!ORDER_PAGE.test(p)) continue;
    const o = orderOf(p);
    if (!orders.includes(o)) orders.push(o);
  }
  for (const old of orders.slice(0, Math.max(0, orders.length - MAX_ORDERS))) {
    await cache.delete(old);
    await cache.delete(`${old}/gate`);
  }
  return true;
}

async function save(cache, path) {
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  return store(cache, path, response);
}

async function freshOrSaved(event) {
  const cache = await caches.open(CACHE);
  const path = keyOf(event.request.url);
  try {
    const response = await fetch(event.request);
    if (response.ok && await store(cache, path, response.clone())) {
      // The gate view is kept with its order page (and the other way round).
      const other = path.endsWith('/gate') ? orderOf(path) : `${path}/gate`;
      event.waitUntil(save(cache, other).catch(() => {}));
    }
    return response;
  } catch (error) {
    const saved = await cache.match(path);
    if (saved) return saved;
    throw error;
  }
}

async function scriptFreshOrSaved(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(SCRIPT, response.clone());
    return response;
  } catch (error) {
    const saved = await cache.match(SCRIPT);
    if (saved) return saved;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ORDER_PAGE.test(url.pathname)) event.respondWith(freshOrSaved(event));
  else if (url.pathname === SCRIPT) event.respondWith(scriptFreshOrSaved(request));
});

// The page opened before this worker ran asks it to keep the page (and its gate view).
self.addEventListener('message', (event) => {
  const path = event.data?.keep;
  if (typeof path !== 'string' || !ORDER_PAGE.test(path)) return;
  const base = orderOf(path);
  event.waitUntil(caches.open(CACHE).then(async (cache) => {
    const [page] = await Promise.all([save(cache, base), save(cache, `${base}/gate`)]);
    if (page) event.source?.postMessage({ kept: base });
  }).catch(() => {}));
});
