//! Folding Vietnamese text for search.
//!
//! Folding makes "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH" and "dang ky khai sinh" compare
//! equal, so a citizen typing without diacritics (or with a different input method) still
//! finds the procedure.

use unicode_normalization::UnicodeNormalization;

/// Folds `s` for diacritic- and case-insensitive comparison.
///
/// Unicode NFD, then combining marks U+0300–U+036F dropped, đ/Đ mapped to `d`, lowercased,
/// whitespace runs collapsed to one space, and trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            // Đ/đ have no decomposition, so NFD leaves them alone.
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits `s` into folded search terms: alphanumeric runs, empty pieces dropped.
pub fn search_terms(s: &str) -> Vec<String> {
    fold(s).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_diacritics_and_lowercases() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("ĐĂNG KÝ"), "dang ky");
        assert_eq!(fold("trích lục"), "trich luc");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
    }

    #[test]
    fn fold_collapses_and_trims_whitespace() {
        assert_eq!(fold("  Chứng \t thực\n bản   sao  "), "chung thuc ban sao");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn fold_handles_precomposed_and_decomposed_input_alike() {
        let precomposed = "Hồ sơ";
        let decomposed: String = precomposed.nfd().collect();
        assert_eq!(fold(precomposed), fold(&decomposed));
    }

    #[test]
    fn search_terms_split_on_punctuation() {
        assert_eq!(
            search_terms("Khai sinh, kết hôn / khai tử (2.000635)"),
            ["khai", "sinh", "ket", "hon", "khai", "tu", "2", "000635"]
        );
        assert!(search_terms(" -- ").is_empty());
    }
}
