// The order page: the card form (Stripe.js: the card number goes from the buyer's browser to the
// card provider, never through this server) and the wait for payment, after which the page shows
// the passes by itself.

const status = document.getElementById('status');
const order = status?.dataset.order;
const box = document.getElementById('card-pay');

async function post(step, body = {}) {
  const response = await fetch(`/o/${order}/card/${step}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(answer.error?.message ?? `HTTP ${response.status}`);
    error.code = answer.error?.code;
    throw error;
  }
  return answer;
}

if (box && order && typeof window.Stripe === 'function') {
  const message = document.getElementById('card-message');
  const button = document.getElementById('card-button');
  const say = (text, bad = false) => {
    message.textContent = text;
    message.className = bad ? 'error' : 'note';
  };
  const stripe = window.Stripe(box.dataset.key);
  const card = stripe.elements().create('card');
  card.mount('#card-element');
  box.hidden = false;
  // Back on the page after paying (a closed tab, a cut connection): the server looks at the
  // payment, and the passes show if it went through.
  post('check').then((answer) => { if (answer.paid) location.reload(); }).catch(() => {});
  button.addEventListener('click', async () => {
    button.disabled = true;
    say(box.dataset.paying);
    try {
      const start = await post('start');
      if (start.paid) { location.reload(); return; }
      const made = await stripe.createPaymentMethod({ type: 'card', card });
      if (made?.error) throw new Error(made.error.message);
      let method = made?.paymentMethod?.id;
      if (!method) {
        // localstripe's stand-in for Stripe.js makes card tokens only: pay with the token's card.
        const made2 = await stripe.createToken(card);
        if (made2.error) throw new Error(made2.error.message);
        method = made2.token.card.id;
      }
      let done = await post('confirm', { payment_method: method });
      if (done.status === 'requires_action') {
        // 3-D Secure: the card's bank asks the buyer, through Stripe.js.
        const next = stripe.handleNextAction
          ? await stripe.handleNextAction({ clientSecret: done.client_secret })
          : await stripe.confirmCardPayment(done.client_secret);
        if (next?.error) throw new Error(next.error.message);
        done = await post('check');
      }
      if (done.paid) { location.reload(); return; }
      throw new Error(done.error ?? box.dataset.notPaid);
    } catch (e) {
      // In the page's language, with the bank's own words (as the card service gives them) after.
      const said = { declined: box.dataset.declined, throttled: box.dataset.throttled }[e.code];
      say(said ? `${said} (${e.message})` : e.message, true);
      button.disabled = false;
    }
  });
}

// An order that waits for payment (by card in another tab, or at a desk) shows its passes as soon
// as it is paid.
if (order && status.dataset.status === 'pending') {
  setInterval(async () => {
    try {
      const response = await fetch(`/o/${order}/status`, { cache: 'no-store' });
      const answer = await response.json();
      if (answer.status && answer.status !== 'pending') location.reload();
    } catch (_) { /* offline: the next try */ }
  }, 5000);
}
