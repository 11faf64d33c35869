//! A closer look at an upload than its first bytes: a PDF must be a whole PDF (`%PDF-x.y`
//! header, objects, `%%EOF` at the end) without active content (scripts, launch actions,
//! embedded files); a PNG or JPEG must declare its size, and not more pixels than
//! [`super::UploadLimits::max_pixels`] (a small file that would decode to gigabytes is a
//! decompression bomb). Archives (ZIP, and so DOCX/XLSX/ODT) are not accepted at all, whatever
//! their name. Nothing is decompressed here: checks are linear scans of the bytes as sent.

use super::MediaType;

/// Why content that starts like an accepted type is still refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// Not a PDF, JPEG or PNG at all (an archive, an executable, a web page…).
    NotAccepted,
    /// Starts like one but is cut short or is not built like one.
    Malformed,
    /// A PDF carrying scripts, launch actions or embedded files.
    ActiveContent,
    /// An image declaring `width × height` pixels over the limit.
    TooManyPixels { width: u32, height: u32 },
}

/// PDF names that make a document act rather than show.
const ACTIVE: [&[u8]; 5] = [b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia"];

/// What the content is, if it is acceptable as it is.
pub fn inspect(bytes: &[u8], max_pixels: u64) -> Result<MediaType, Flaw> {
    let kind = MediaType::sniff(bytes).ok_or(Flaw::NotAccepted)?;
    let (width, height) = match kind {
        MediaType::Pdf => return pdf(bytes).map(|()| kind),
        MediaType::Png => png_size(bytes).ok_or(Flaw::Malformed)?,
        MediaType::Jpeg => jpeg_size(bytes).ok_or(Flaw::Malformed)?,
    };
    if width == 0 || height == 0 {
        return Err(Flaw::Malformed);
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(Flaw::TooManyPixels { width, height });
    }
    Ok(kind)
}

fn pdf(b: &[u8]) -> Result<(), Flaw> {
    let version = b.get(5..8).ok_or(Flaw::Malformed)?;
    if !(version[0].is_ascii_digit() && version[1] == b'.' && version[2].is_ascii_digit()) {
        return Err(Flaw::Malformed);
    }
    let tail = &b[b.len().saturating_sub(1024)..];
    if !contains(tail, b"%%EOF") || !contains(b, b" obj") || !contains(b, b"endobj") {
        return Err(Flaw::Malformed);
    }
    if ACTIVE.iter().any(|name| contains(b, name)) {
        return Err(Flaw::ActiveContent);
    }
    Ok(())
}

/// Width and height from the IHDR chunk, which must come first.
fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    let ihdr = b.get(8..33)?;
    if ihdr[0..4] != [0, 0, 0, 13] || &ihdr[4..8] != b"IHDR" {
        return None;
    }
    let be = |s: &[u8]| u32::from_be_bytes([s[0], s[1], s[2], s[3]]);
    Some((be(&ihdr[8..12]), be(&ihdr[12..16])))
}

/// Width and height from the first start-of-frame segment, walking the segments before it.
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *b.get(at)? != 0xFF {
            return None;
        }
        while *b.get(at + 1)? == 0xFF {
            at += 1; // fill bytes
        }
        let marker = *b.get(at + 1)?;
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            at += 2; // stand-alone markers
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            return None; // scan data or the end before any frame header
        }
        let len = usize::from(u16::from_be_bytes([*b.get(at + 2)?, *b.get(at + 3)?]));
        if len < 2 {
            return None;
        }
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let s = b.get(at + 5..at + 9)?;
            return Some((u32::from(u16::from_be_bytes([s[2], s[3]])), u32::from(u16::from_be_bytes([s[0], s[1]]))));
        }
        at += 2 + len;
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let first = needle[0];
    hay.iter().enumerate().any(|(i, &c)| c == first && hay[i..].starts_with(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MP: u64 = 50_000_000;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xFF, 0xC0, 0, 11, 8];
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&[1, 1, 0x11, 0, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        b
    }

    #[test]
    fn images_declare_a_sane_size() {
        assert_eq!(inspect(&png(2480, 3508), MP), Ok(MediaType::Png));
        assert_eq!(inspect(&png(100_000, 100_000), MP), Err(Flaw::TooManyPixels { width: 100_000, height: 100_000 }));
        assert_eq!(inspect(&png(0, 10), MP), Err(Flaw::Malformed));
        assert_eq!(inspect(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0", MP), Err(Flaw::Malformed));
        assert_eq!(inspect(&jpeg(2480, 3508), MP), Ok(MediaType::Jpeg));
        assert_eq!(inspect(&jpeg(65_000, 65_000), MP), Err(Flaw::TooManyPixels { width: 65_000, height: 65_000 }));
        assert_eq!(inspect(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], MP), Err(Flaw::Malformed));
        assert_eq!(inspect(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2], MP), Err(Flaw::Malformed));
    }

    #[test]
    fn pdfs_are_whole_and_passive() {
        let ok = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
        assert_eq!(inspect(ok, MP), Ok(MediaType::Pdf));
        assert_eq!(inspect(b"%PDF-1.7\n1 0 obj <<>> endobj\n", MP), Err(Flaw::Malformed));
        assert_eq!(inspect(b"%PDF-\x00\xff\x13garbage %%EOF", MP), Err(Flaw::Malformed));
        let script = b"%PDF-1.7\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n%%EOF";
        assert_eq!(inspect(script, MP), Err(Flaw::ActiveContent));
        assert_eq!(inspect(b"PK\x03\x04\x14\0\0\0 word/document.xml", MP), Err(Flaw::NotAccepted));
    }
}
