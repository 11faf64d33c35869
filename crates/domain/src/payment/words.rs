//! Amounts in Vietnamese words for receipts ("Năm mươi nghìn đồng") and in grouped figures.

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/// Reads a group of three digits; `full` when a higher group precedes it (so "không trăm" and
/// "linh" are said).
fn group(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = ((n / 100) as usize, (n / 10 % 10) as usize, (n % 10) as usize);
    if h > 0 || full {
        out.push(DIGITS[h]);
        out.push("trăm");
    }
    match t {
        0 if u > 0 && (h > 0 || full) => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        _ => {
            out.push(DIGITS[t]);
            out.push("mươi");
        }
    }
    match u {
        0 => {}
        1 if t >= 2 => out.push("mốt"),
        4 if t >= 2 => out.push("tư"),
        5 if t >= 1 => out.push("lăm"),
        _ => out.push(DIGITS[u]),
    }
}

/// Below a billion: millions, thousands and units, empty groups skipped.
fn below_billion(n: u64, mut full: bool, out: &mut Vec<&'static str>) {
    for (g, scale) in [(n / 1_000_000, "triệu"), (n / 1000 % 1000, "nghìn"), (n % 1000, "")] {
        if g == 0 {
            continue;
        }
        group(g, full, out);
        if !scale.is_empty() {
            out.push(scale);
        }
        full = true;
    }
}

fn read(n: u64, full: bool, out: &mut Vec<&'static str>) {
    if n >= 1_000_000_000 {
        read(n / 1_000_000_000, full, out);
        out.push("tỷ");
        below_billion(n % 1_000_000_000, true, out);
    } else {
        below_billion(n, full, out);
    }
}

/// The number in words, lower case ("một triệu không trăm linh năm nghìn").
pub fn number(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].into();
    }
    let mut out = Vec::new();
    read(n, false, &mut out);
    out.join(" ")
}

/// An amount in đồng in words, capitalised: "Năm mươi nghìn đồng".
pub fn amount_in_words(dong: i64) -> String {
    let mut s = number(dong.unsigned_abs());
    if dong < 0 {
        s = format!("âm {s}");
    }
    let mut chars = s.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    format!("{first}{} đồng", chars.as_str())
}

/// The amount with dots between thousands and the unit: "1.250.000 đồng".
pub fn grouped(dong: i64) -> String {
    let digits = dong.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đồng", if dong < 0 { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_amounts_as_receipts_write_them() {
        let cases = [
            (0, "không"),
            (5, "năm"),
            (10, "mười"),
            (15, "mười lăm"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (105, "một trăm linh năm"),
            (1_005, "một nghìn không trăm linh năm"),
            (8_000, "tám nghìn"),
            (50_000, "năm mươi nghìn"),
            (115_000, "một trăm mười lăm nghìn"),
            (1_005_000, "một triệu không trăm linh năm nghìn"),
            (1_250_000, "một triệu hai trăm năm mươi nghìn"),
            (2_000_000_000, "hai tỷ"),
            (3_000_000_001, "ba tỷ không trăm linh một"),
            (1_000_000_000_000, "một nghìn tỷ"),
            (5_003_000_000_000, "năm nghìn không trăm linh ba tỷ"),
        ];
        for (n, want) in cases {
            assert_eq!(number(n), want, "{n}");
        }
        assert_eq!(amount_in_words(50_000), "Năm mươi nghìn đồng");
        assert_eq!(grouped(1_250_000), "1.250.000 đồng");
        assert_eq!(grouped(8_000), "8.000 đồng");
        assert_eq!(grouped(500), "500 đồng");
    }
}
