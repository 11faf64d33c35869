//! Attached files: what may be uploaded (PDF, JPEG or PNG, recognised from the content's first
//! bytes, never from the name), how many and how large ([`UploadLimits`]), storing them in the
//! content-addressed [`BlobStore`], reading multipart uploads ([`multipart`]) and serving a
//! stored file back ([`download`]). Who may download what is decided by the caller
//! ([`dossier_holds`] lists a dossier's files).

mod error;
pub mod inspect;
pub mod multipart;

use std::sync::OnceLock;

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_domain::dossier::Dossier;
use motcua_domain::ports::{BlobMeta, BlobStore, StoreError};

/// How many files one request or dossier may carry, how large each may be, how large all of a
/// dossier's files together, and how many pixels an image may declare. Read once from
/// `MOTCUA_UPLOAD_MAX_FILE_BYTES` (default 10 MiB), `MOTCUA_UPLOAD_MAX_FILES` (default 10),
/// `MOTCUA_UPLOAD_MAX_DOSSIER_BYTES` (default 30 MiB) and `MOTCUA_UPLOAD_MAX_PIXELS` (default
/// 50 million: an A4 page scanned at 600 dpi is 35 million).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_file_bytes: usize,
    pub max_files: usize,
    pub max_dossier_bytes: usize,
    pub max_pixels: u64,
}

impl Default for UploadLimits {
    fn default() -> UploadLimits {
        UploadLimits {
            max_file_bytes: 10 * 1024 * 1024,
            max_files: 10,
            max_dossier_bytes: 30 * 1024 * 1024,
            max_pixels: 50_000_000,
        }
    }
}

impl UploadLimits {
    /// The limits configured for this process.
    pub fn current() -> UploadLimits {
        static LIMITS: OnceLock<UploadLimits> = OnceLock::new();
        *LIMITS.get_or_init(|| {
            let d = UploadLimits::default();
            let read = |name: &str, default: usize| {
                std::env::var(name)
                    .ok()
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or(default)
            };
            UploadLimits {
                max_file_bytes: read("MOTCUA_UPLOAD_MAX_FILE_BYTES", d.max_file_bytes),
                max_files: read("MOTCUA_UPLOAD_MAX_FILES", d.max_files),
                max_dossier_bytes: read("MOTCUA_UPLOAD_MAX_DOSSIER_BYTES", d.max_dossier_bytes),
                max_pixels: read("MOTCUA_UPLOAD_MAX_PIXELS", d.max_pixels as usize) as u64,
            }
        })
    }

    /// The largest request body an upload route accepts: a dossier's files at their limit, plus the form.
    pub fn request_bytes(&self) -> usize {
        self.max_file_bytes.saturating_mul(self.max_files).min(self.max_dossier_bytes).saturating_add(1024 * 1024)
    }

    /// The per-file limit in words: `10 MB`, `1,5 MB`, `500 KB`.
    pub fn file_size_text(&self) -> String {
        size_text(self.max_file_bytes)
    }

    /// The limit on all of a dossier's files together, in words.
    pub fn dossier_size_text(&self) -> String {
        size_text(self.max_dossier_bytes)
    }
}

fn size_text(bytes: usize) -> String {
    let b = bytes as f64;
    let (n, unit) = if b >= 1024.0 * 1024.0 { (b / (1024.0 * 1024.0), "MB") } else { (b / 1024.0, "KB") };
    let n = (n * 10.0).round() / 10.0;
    let n = if n.fract() == 0.0 { format!("{n:.0}") } else { format!("{n:.1}").replace('.', ",") };
    format!("{n} {unit}")
}

pub use error::FileError;
pub use motcua_domain::upload::{MediaType, clean_name};

/// A file that was stored: its address, type, size and the name the sender gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub media_type: MediaType,
    pub size: u64,
    pub name: String,
}

/// Checks `bytes` (type from the content, size) and stores them; the same content is stored once.
pub async fn store(
    blobs: &impl BlobStore,
    limits: UploadLimits,
    at: DateTime<Utc>,
    bytes: &[u8],
    claimed_name: &str,
) -> Result<StoredFile, FileError> {
    let name = clean_name(claimed_name);
    if bytes.is_empty() {
        return Err(FileError::Empty { name });
    }
    if bytes.len() > limits.max_file_bytes {
        return Err(FileError::TooLarge { name, limits });
    }
    let media_type = check(bytes, &name, limits)?;
    let meta = blobs.put_blob(media_type.as_str(), bytes, at).await?;
    Ok(StoredFile { sha256: meta.sha256, media_type, size: meta.size, name })
}

/// What the content is, if it may be stored ([`inspect::inspect`]): the type, or why not.
pub fn check(bytes: &[u8], name: &str, limits: UploadLimits) -> Result<MediaType, FileError> {
    let name = name.to_string();
    inspect::inspect(bytes, limits.max_pixels).map_err(|flaw| match flaw {
        inspect::Flaw::NotAccepted => FileError::UnsupportedType { name },
        inspect::Flaw::Malformed => FileError::Malformed { name },
        inspect::Flaw::ActiveContent => FileError::ActiveContent { name },
        inspect::Flaw::TooManyPixels { width, height } => FileError::TooManyPixels { name, width, height, limits },
    })
}

/// Refuses a dossier whose files (by address, each counted once) are more than
/// [`UploadLimits::max_files`] or together larger than [`UploadLimits::max_dossier_bytes`].
pub async fn check_dossier<'a>(
    blobs: &impl BlobStore,
    limits: UploadLimits,
    hashes: impl IntoIterator<Item = &'a str>,
) -> Result<(), FileError> {
    let mut seen: Vec<&str> = hashes.into_iter().collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() > limits.max_files {
        return Err(FileError::TooMany { limits });
    }
    let mut total = 0u64;
    for h in seen {
        total += blobs.blob_meta(h).await?.map_or(0, |m| m.size);
    }
    if total > limits.max_dossier_bytes as u64 {
        return Err(FileError::DossierTooLarge { limits });
    }
    Ok(())
}

/// A stored file, if there is one at `sha256`.
pub async fn get(blobs: &impl BlobStore, sha256: &str) -> Result<Option<(BlobMeta, Vec<u8>)>, StoreError> {
    blobs.blob(sha256).await
}

/// Whether the dossier holds the file `sha256` (a document, a supplement or a result).
pub fn dossier_holds(d: &Dossier, sha256: &str) -> bool {
    d.components
        .iter()
        .filter_map(|c| c.file_sha256.as_deref())
        .chain(d.results.iter().filter_map(|r| r.file_sha256.as_deref()))
        .any(|h| h == sha256)
}

/// The stored file as a download named `{stem}.{ext}`, which the browser must not interpret.
pub fn download(meta: &BlobMeta, bytes: Vec<u8>, stem: &str) -> Response {
    respond(meta, bytes, stem, "attachment", "sandbox; default-src 'none'")
}

/// The stored file shown in place — an image in an `<img>`, a PDF in an `<iframe>` of our own
/// pages — with the type it was recognised as at upload (PDF, JPEG or PNG, never sniffed again:
/// `nosniff`). Anything else is a download.
pub fn inline(meta: &BlobMeta, bytes: Vec<u8>, stem: &str) -> Response {
    match MediaType::from_stored(&meta.media_type) {
        // Chromium's PDF viewer does not run in a sandboxed document: PDFs get no `sandbox`.
        Some(MediaType::Pdf) => respond(meta, bytes, stem, "inline", "frame-ancestors 'self'"),
        Some(_) => respond(meta, bytes, stem, "inline", "default-src 'none'; frame-ancestors 'self'"),
        None => download(meta, bytes, stem),
    }
}

fn respond(meta: &BlobMeta, bytes: Vec<u8>, stem: &str, disposition: &str, policy: &'static str) -> Response {
    let ext = MediaType::from_stored(&meta.media_type).map_or("bin", MediaType::extension);
    let stem: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let disposition = format!("{disposition}; filename=\"{stem}.{ext}\"");
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&meta.media_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff"));
    h.insert(HeaderName::from_static("content-security-policy"), HeaderValue::from_static(policy));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n..."), Some(MediaType::Pdf));
        assert_eq!(MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(b"MZ\x90\0 an executable named scan.pdf"), None);
        assert_eq!(MediaType::sniff(b"<html>"), None);
        assert_eq!(MediaType::sniff(b""), None);
    }

    #[test]
    fn limits_read_as_words() {
        let l = |b| UploadLimits { max_file_bytes: b, ..UploadLimits::default() }.file_size_text();
        assert_eq!((l(10 * 1024 * 1024), l(1536 * 1024), l(2000)), ("10 MB".into(), "1,5 MB".into(), "2 KB".into()));
    }

    #[test]
    fn names_lose_paths_and_controls() {
        assert_eq!(clean_name("C:\\Users\\an\\giay khai sinh.pdf"), "giay khai sinh.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(clean_name(""), "tệp");
    }
}
