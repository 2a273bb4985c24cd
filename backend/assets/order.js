// The pass pages (an order's passes, and its "show at the gate" view): kept on the phone for use
// with no network (by the service worker /o/sw.js), told apart when shown from that copy, and on
// the gate view the screen kept on and arrow keys moving between passes.

const status = document.getElementById('status');
const order = status?.dataset.order;
const offline = document.getElementById('offline');

// Kept only when the server says so (a paid order, not on a staff member's computer).
if ('serviceWorker' in navigator && order && status.dataset.keep === 'true') {
  navigator.serviceWorker.register('/o/sw.js', { scope: '/o/' }).then(async () => {
    const ready = await navigator.serviceWorker.ready;
    // This page may have loaded before the worker ran: ask it to keep this order now.
    ready.active?.postMessage({ keep: `/o/${order}` });
  }).catch(() => {});
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.kept) document.documentElement.dataset.kept = event.data.kept;
  });
}

// Shown from the saved copy? Ask the server; no answer means no network.
async function checkOnline() {
  if (!order || !offline) return;
  try {
    const response = await fetch(`/o/${order}/status`, { cache: 'no-store' });
    offline.hidden = response.ok;
  } catch {
    offline.hidden = false;
  }
}
checkOnline();
window.addEventListener('online', checkOnline);
window.addEventListener('offline', () => { if (offline) offline.hidden = false; });

// The gate view: keep the screen on while it is shown, and let arrow keys move between passes.
const slides = document.querySelector('main.slides');
if (slides) {
  let lock = null;
  const keepOn = async () => {
    try {
      if ('wakeLock' in navigator && document.visibilityState === 'visible') {
        lock = await navigator.wakeLock.request('screen');
      }
    } catch { lock = null; }
  };
  keepOn();
  document.addEventListener('visibilitychange', () => { if (!lock || lock.released) keepOn(); });
  document.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) slides.scrollBy({ left: step * slides.clientWidth, behavior: 'smooth' });
  });
}
