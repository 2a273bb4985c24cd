//! Catalogue photos: JPEG, PNG or WebP files in the photo folder (`TOWNPASS_PHOTO_DIR`, default
//! DATA_DIR/photos), named by the catalogue (`photo = "nim.jpg"` on a product or venue), served
//! at `/photos/{name}`. Pages link them with a content hash (`?v=`), so a browser keeps each for a
//! year and a changed file is a new URL; without the hash they are kept a day, with an ETag.
//! Only files whose first bytes say JPEG, PNG or WebP are served (never SVG or HTML: a photo
//! cannot carry a script), at most 5 MB.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::Shared;

const MAX_BYTES: u64 = 5 * 1024 * 1024;

#[derive(Debug)]
pub struct Photo {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// The first 16 hex digits of the SHA-256 of the bytes.
    pub hash: String,
    stamp: (u64, Option<SystemTime>),
}

/// The photo folder, with what was read of it (re-read when a file's size or time changes).
#[derive(Debug)]
pub struct Photos {
    dir: PathBuf,
    cache: Mutex<HashMap<String, Arc<Photo>>>,
}

fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

impl Photos {
    pub fn new(dir: PathBuf) -> Photos {
        Photos {
            dir,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The photo named `name`, if it is one this folder holds.
    pub fn get(&self, name: &str) -> Option<Arc<Photo>> {
        if !townpass_core::catalog::valid_photo_name(name) {
            return None;
        }
        let path = self.dir.join(name);
        let meta = std::fs::metadata(&path).ok().filter(|m| m.is_file())?;
        let stamp = (meta.len(), meta.modified().ok());
        if let Some(hit) = self
            .cache
            .lock()
            .ok()?
            .get(name)
            .filter(|p| p.stamp == stamp)
        {
            return Some(hit.clone());
        }
        if meta.len() > MAX_BYTES {
            tracing::warn!(photo = %name, bytes = meta.len(), "photo over 5 MB; not served");
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let Some(content_type) = sniff(&bytes) else {
            tracing::warn!(photo = %name, "not a JPEG, PNG or WebP file; not served");
            return None;
        };
        let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
        let photo = Arc::new(Photo {
            bytes,
            content_type,
            hash,
            stamp,
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(name.to_string(), photo.clone());
        }
        Some(photo)
    }

    /// The URL a page links a photo by (with its content hash), if the photo is there.
    pub fn url(&self, name: Option<&str>) -> Option<String> {
        let name = name?;
        self.get(name)
            .map(|p| format!("/photos/{name}?v={}", p.hash))
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct PhotoQuery {
    v: Option<String>,
}

/// `GET /photos/{name}`.
pub async fn serve(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Query(q): Query<PhotoQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(photo) = state.photos.get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", photo.hash);
    let cache = if q.v.as_deref() == Some(photo.hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        photo.bytes.clone().into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(photo.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}
