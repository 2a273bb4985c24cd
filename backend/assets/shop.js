// The buy form: the total as quantities change, a name field per pass (labelled, with its
// length limit), and the family price offered when it beats single passes. The form works
// without this script (the server checks everything again).

const form = document.querySelector('form.buy');
if (form) {
  const digits = Number(form.dataset.digits ?? 2);
  const { decimal = '.', group = '', prefix = '', suffix = '' } = form.dataset;
  // As the server writes money in the page's language ("€134.00", "134,00 €", "1 234,00 Ft"),
  // from whole minor units (no floating point).
  const money = (minor) => {
    const unit = 10 ** digits;
    const whole = String(Math.trunc(minor / unit)).replace(/\B(?=(\d{3})+(?!\d))/g, group);
    const part = String(minor % unit).padStart(digits, '0');
    return `${prefix}${digits > 0 ? `${whole}${decimal}${part}` : whole}${suffix}`;
  };
  const rows = [...form.querySelectorAll('input[data-price]')];
  const total = document.getElementById('total');
  const hint = document.getElementById('family-hint');
  const qty = (code) => {
    const input = form.querySelector(`#qty_${code}`);
    const n = Number.parseInt(input?.value ?? '0', 10);
    return Number.isFinite(n) && n > 0 ? Math.min(n, 50) : 0;
  };

  // One labelled field per pass, kept as typed when the quantity changes.
  const syncNames = (input) => {
    const code = input.dataset.category;
    const box = form.querySelector(`.names[data-category="${code}"]`);
    if (!box) return;
    const want = qty(code);
    const fields = box.querySelectorAll('.name-field');
    for (let i = fields.length; i < want; i += 1) {
      const id = `name_${code}_${i + 1}`;
      const wrap = document.createElement('div');
      wrap.className = 'name-field';
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = box.dataset.label.replace('{n}', String(i + 1));
      const field = document.createElement('input');
      Object.assign(field, { type: 'text', id, name: id, maxLength: Number(box.dataset.max), autocomplete: 'name' });
      wrap.append(label, field);
      box.append(wrap);
    }
    for (let i = fields.length - 1; i >= want; i -= 1) fields[i].remove();
    box.hidden = want === 0;
  };

  const update = () => {
    const sum = rows.reduce((s, input) => s + qty(input.dataset.category) * Number(input.dataset.price), 0);
    if (total) total.textContent = total.dataset.label.replace('{total}', money(sum));
    if (hint) {
      const family = Number(hint.dataset.price);
      const [adults, children] = [qty('adult'), qty('child')];
      const singles = adults * Number(hint.dataset.adult) + children * Number(hint.dataset.child);
      const better = adults >= 1 && adults <= 2 && children >= 1 && family < singles;
      hint.hidden = !better;
      if (better) {
        hint.querySelector('span').textContent = hint.dataset.text
          .replace('{family}', money(family)).replace('{singles}', money(singles));
      }
    }
  };

  hint?.querySelector('button')?.addEventListener('click', () => {
    for (const code of ['adult', 'child']) {
      const input = form.querySelector(`#qty_${code}`);
      if (input) { input.value = '0'; syncNames(input); }
    }
    const family = form.querySelector('#qty_family');
    if (family) { family.value = String(qty('family') + 1); syncNames(family); }
    update();
    family?.focus();
  });
  for (const input of rows) {
    input.addEventListener('input', () => { syncNames(input); update(); });
    syncNames(input);
  }
  form.querySelector('noscript')?.remove();
  update();
}
