// The fallback QR decoder (rqrr, compiled to WebAssembly with the rest of the scanner's core),
// off the page's main thread: one greyscale frame in, the code's text (or null) out.
let decode = null;

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.init) {
    const glue = await import(msg.glue);
    await glue.default({ module_or_path: msg.wasm });
    decode = glue.decode_qr;
    self.postMessage({ ready: true });
    return;
  }
  let text = null;
  const started = performance.now();
  try {
    text = decode ? decode(msg.luma, msg.width, msg.height) ?? null : null;
  } catch (e) {
    text = null;
  }
  self.postMessage({ id: msg.id, text, ms: performance.now() - started });
};
