// The pass pages' service worker (scope /o/). Each order page this phone opens, and its "show at
// the gate" view, is kept in a cache: with a network the page comes fresh (and the copy is
// replaced); without one, the last copy is shown, QR codes and all. Nothing else is kept, and
// nothing is sent anywhere.

const CACHE = 'townpass-orders-1';
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

async function save(cache, path) {
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (response.ok && response.headers.get('content-type')?.startsWith('text/html')) {
    await cache.put(path, response);
  }
}

async function freshOrSaved(event) {
  const cache = await caches.open(CACHE);
  const path = keyOf(event.request.url);
  try {
    const response = await fetch(event.request);
    if (response.ok) {
      await cache.put(path, response.clone());
      // The gate view is kept with its order page (and the other way round).
      const other = path.endsWith('/gate') ? path.slice(0, -5) : `${path}/gate`;
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
  const base = path.endsWith('/gate') ? path.slice(0, -5) : path;
  event.waitUntil(caches.open(CACHE).then(async (cache) => {
    await Promise.all([save(cache, base), save(cache, `${base}/gate`)]);
    event.source?.postMessage({ kept: base });
  }).catch(() => {}));
});
