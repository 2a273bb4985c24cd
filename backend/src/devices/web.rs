//! The web scanner at `/scan`: any phone becomes a venue device. The page, its WebAssembly build
//! of townpass-core and its QR decoder are made at build time (backend/build/web.rs); here they
//! are served: hashed files for a year, gzipped when the browser takes it, a service worker that
//! keeps them (and the page) for use with no network, and a web app manifest.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, PreEscaped, html};
use sha2::{Digest, Sha256};

use crate::http::web::Ctx;
use crate::i18n::t;

/// One of the web scanner's files.
#[derive(Debug)]
pub struct WebAsset {
    pub name: &'static str,
    /// Under /scan/a/, with a hash of the content in the name.
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
    pub gzip: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// The URL path of a named asset.
/// The bytes of a built asset (the icons, for wallet passes).
pub fn asset_body(name: &str) -> &'static [u8] {
    WEB_ASSETS
        .iter()
        .find(|a| a.name == name)
        .map_or(&[], |a| a.body)
}

pub fn asset_path(name: &str) -> &'static str {
    WEB_ASSETS
        .iter()
        .find(|a| a.name == name)
        .map_or("/scan/a/missing", |a| a.path)
}

/// The scan pages' policy: the page's own scripts and WebAssembly, its worker, the camera; no
/// inline script at all.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; \
     worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Words the page shows, in the page's language.
const STRINGS: &[&str] = &[
    "scan_accepted",
    "scan_refused",
    "scan_online",
    "scan_offline",
    "scan_sync_refused",
    "scan_never",
    "scan_just_now",
    "scan_minutes_ago",
    "scan_hours_ago",
    "scan_bundle_age",
    "scan_pending",
    "scan_offer_auto",
    "scan_store_failed",
    "scan_enrol_failed",
    "scan_no_bundle",
    "scan_category_number",
    "scan_reenrol_confirm",
    "scan_category_adult",
    "scan_category_child",
    "scan_category_senior",
    "scan_category_student",
];

/// `GET /scan`: the scanner (or, on a browser not yet enrolled, the enrolment form).
pub async fn page(ctx: Ctx) -> Response {
    let lang = ctx.lang;
    let strings: serde_json::Map<String, serde_json::Value> = STRINGS
        .iter()
        // The page fills `{n}` and the like in itself.
        .map(|k| {
            (
                k.trim_start_matches("scan_").to_string(),
                townpass_i18n::template(lang, k).into(),
            )
        })
        .collect();
    let config = serde_json::json!({
        "lang": lang,
        "strings": strings,
        "assets": {
            "glue": asset_path("townpass_web.js"),
            "wasm": asset_path("townpass_web_bg.wasm"),
            "worker": asset_path("worker.js"),
        },
    });
    // JSON inside <script type=application/json>: data, not script, so the policy allows it;
    // `<` escaped so no value can close the element.
    let config = config.to_string().replace('<', "\\u003c");
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="theme-color" content="#14532d";
                title { (t(lang, "scan_title")) " · townpass" }
                link rel="manifest" href="/scan/manifest.webmanifest";
                link rel="icon" href=(asset_path("icon.svg"));
                link rel="apple-touch-icon" href=(asset_path("icon-180.png"));
                link rel="stylesheet" href=(asset_path("scan.css"));
                script type="application/json" id="tp-config" { (PreEscaped(config)) }
                script type="module" src=(asset_path("scan.js")) {}
            }
            body {
                p.error #insecure hidden role="alert" { (t(lang, "scan_insecure")) }
                section #enrol hidden {
                    h1 { (t(lang, "scan_enrol_title")) }
                    p.note { (t(lang, "scan_enrol_intro")) }
                    form #enrol-form {
                        label for="code" { (t(lang, "scan_enrol_code")) }
                        input #code name="code" autocomplete="off" autocapitalize="characters" required;
                        button type="submit" { (t(lang, "scan_enrol_button")) }
                        p.error #enrol-error hidden {}
                    }
                    p.note { (t(lang, "scan_enrol_key_note")) }
                    (ctx.language_links())
                }
                section #scan hidden {
                    video #camera muted playsinline autoplay {}
                    div #aim {}
                    div #status {
                        span.venue #st-venue {}
                        span #st-gate {}
                        span #st-bundle {}
                        span #st-pending data-count="0" {}
                        span.net #st-net {}
                        button #install type="button" hidden { (t(lang, "scan_install")) }
                        button #reenrol type="button" hidden { (t(lang, "scan_reenrol")) }
                        button #sync type="button" { (t(lang, "scan_sync")) }
                    }
                    div #controls {
                        p.note #camera-note hidden { (t(lang, "scan_no_camera")) }
                        p.note #ios-install hidden { (t(lang, "scan_install_ios")) }
                        div #offer-row hidden {
                            label for="offer" { (t(lang, "scan_offer")) }
                            select #offer {}
                        }
                        form #wedge autocomplete="off" {
                            input #token name="token" inputmode="none" placeholder=(t(lang, "scan_wedge_placeholder"));
                            button type="submit" { (t(lang, "scan_check")) }
                        }
                        (ctx.language_links())
                    }
                }
                div #verdict hidden role="alert" aria-live="assertive" {
                    div.head #v-head {}
                    div.holder #v-holder {}
                    div.category #v-category {}
                    div.product #v-product {}
                    div.reason #v-reason {}
                }
            }
        }
    };
    let mut response = markup.into_response();
    ctx.remember_lang(&mut response);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    // Always asked again when online; the service worker keeps a copy for offline.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /scan/a/{file}`: a hashed asset, cached for a year, gzipped when accepted.
pub async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let path = format!("/scan/a/{file}");
    let Some(asset) = WEB_ASSETS.iter().find(|a| a.path == path) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let body = if gzip { asset.gzip } else { asset.body };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}

/// The service worker's version: changes whenever any asset does.
fn version() -> String {
    let mut hash = Sha256::new();
    for a in WEB_ASSETS {
        hash.update(a.path.as_bytes());
    }
    hex::encode(&hash.finalize()[..6])
}

/// `GET /scan/sw.js`: keeps the app, its WebAssembly and the last scanner page for offline use.
pub async fn service_worker() -> Response {
    let assets: Vec<&str> = WEB_ASSETS.iter().map(|a| a.path).collect();
    let script = SERVICE_WORKER
        .replace("__VERSION__", &version())
        .replace("__ASSETS__", &serde_json::to_string(&assets).expect("JSON"));
    let mut response = script.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Its scope is /scan (the page itself), one level above its own folder.
    h.insert("service-worker-allowed", HeaderValue::from_static("/scan"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}

/// `GET /scan/manifest.webmanifest`: "add to home screen".
pub async fn manifest(ctx: Ctx) -> Response {
    let body = serde_json::json!({
        "name": t(ctx.lang, "scan_app_name"),
        "short_name": t(ctx.lang, "scan_app_short"),
        "lang": ctx.lang,
        "start_url": "/scan",
        "scope": "/scan",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#111111",
        "theme_color": "#14532d",
        "icons": [
            {"src": asset_path("icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": asset_path("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": asset_path("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        ],
    });
    let mut response = body.to_string().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/manifest+json"),
    );
    response
}

const SERVICE_WORKER: &str = r#"// townpass web scanner: works with no network once opened.
const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const CACHE = `townpass-scan-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll([...ASSETS, '/scan/manifest.webmanifest']);
    const page = await fetch('/scan', { cache: 'no-cache' });
    if (page.ok) await cache.put('/scan', page);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('townpass-scan-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith('/scan/a/') || url.pathname === '/scan/manifest.webmanifest') {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request, { ignoreSearch: true });
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok) cache.put(request, response.clone());
      return response;
    })());
  } else if (url.pathname === '/scan' && request.mode === 'navigate') {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put('/scan', response.clone());
        return response;
      } catch (e) {
        const hit = await cache.match('/scan');
        if (hit) return hit;
        throw e;
      }
    })());
  }
});
"#;
