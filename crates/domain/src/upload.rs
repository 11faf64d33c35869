//! What an uploaded file is, from its content's first bytes (never from its name), and the name
//! the sender gave it, cleaned for display. Pure, so the fuzz targets reach it without the web
//! stack; `motcua_web::files` re-exports both.

/// The file types accepted, recognised from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
}

impl MediaType {
    /// What the content is, if it is one of the accepted types.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(MediaType::Png)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
        }
    }

    /// The type recorded at upload ([`MediaType::as_str`]), if it is one of ours.
    pub fn from_stored(s: &str) -> Option<MediaType> {
        [MediaType::Pdf, MediaType::Jpeg, MediaType::Png].into_iter().find(|m| m.as_str() == s)
    }
}

/// The sender's file name, kept for display only: no path, no control characters, 120 chars.
pub fn clean_name(claimed: &str) -> String {
    let base = claimed.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let name = name.trim();
    if name.is_empty() { "tệp".into() } else { name.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content_and_round_trip_through_storage() {
        assert_eq!(MediaType::sniff(b"%PDF-"), Some(MediaType::Pdf));
        assert_eq!(MediaType::sniff(b"%PDF"), None);
        assert_eq!(MediaType::sniff(&[0xFF, 0xD8]), None);
        for m in [MediaType::Pdf, MediaType::Jpeg, MediaType::Png] {
            assert_eq!(MediaType::from_stored(m.as_str()), Some(m));
        }
        assert_eq!(MediaType::from_stored("text/html"), None);
    }

    #[test]
    fn names_are_never_empty_nor_hold_paths_or_controls() {
        assert_eq!(clean_name("a/b\\ \u{7f} "), "tệp");
        assert_eq!(clean_name(&"ă".repeat(500)).chars().count(), 120);
        assert_eq!(clean_name("x/\u{2028}y.pdf"), "y.pdf");
    }
}
