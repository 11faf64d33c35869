//! The state of an online submission between its pages (one question per page): carried in
//! hidden fields of each page's form, so it needs no server session and works without
//! JavaScript. Files are stored as soon as they are uploaded; the draft carries their addresses.
//! Nothing is trusted from it: the final submission checks everything again (and that every
//! file address was really uploaded).

/// The pages of the submission, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The province and the commune that receives it.
    Where,
    /// Full name and personal ID number.
    Applicant,
    /// Phone number and e-mail.
    Contact,
    /// The procedure's components, uploaded.
    Documents,
    /// Check your answers, then submit.
    Check,
}

impl Step {
    pub const ALL: [Step; 5] = [Step::Where, Step::Applicant, Step::Contact, Step::Documents, Step::Check];

    pub fn slug(self) -> &'static str {
        match self {
            Step::Where => "noi-nop",
            Step::Applicant => "nguoi-nop",
            Step::Contact => "lien-he",
            Step::Documents => "giay-to",
            Step::Check => "kiem-tra",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// Its number, from 1.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> Step {
        Step::ALL.get(self.number()).copied().unwrap_or(Step::Check)
    }

    pub fn previous(self) -> Option<Step> {
        self.number().checked_sub(2).and_then(|i| Step::ALL.get(i).copied())
    }
}

/// An uploaded file, attached to one component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// The component code.
    pub code: String,
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
    /// The citizen's file name.
    pub name: String,
}

impl Attached {
    /// The hidden-field value `code|sha256|media|size|name`.
    pub fn encode(&self) -> String {
        format!("{}|{}|{}|{}|{}", self.code, self.sha256, self.media_type, self.size, self.name)
    }

    pub fn decode(s: &str) -> Option<Attached> {
        let mut p = s.splitn(5, '|');
        let code = p.next()?.to_string();
        let sha256 = p.next().filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))?.to_string();
        let media_type = p.next()?.to_string();
        let size = p.next()?.parse().ok()?;
        let name = p.next()?.to_string();
        Some(Attached { code, sha256, media_type, size, name })
    }

    /// The size in words (`1,2 MB`, `35 KB`).
    pub fn size_text(&self) -> String {
        if self.size >= 1024 * 1024 {
            format!("{:.1} MB", self.size as f64 / (1024.0 * 1024.0)).replace('.', ",")
        } else {
            format!("{} KB", self.size.div_ceil(1024))
        }
    }
}

/// What the citizen entered so far.
#[derive(Debug, Clone, Default)]
pub struct Entered {
    pub province: String,
    pub unit: String,
    pub name: String,
    pub id_number: String,
    /// `yyyy-mm-dd`, optional: checked with the ID and name against the population database.
    pub birth_date: String,
    pub phone: String,
    pub email: String,
    pub files: Vec<Attached>,
}

/// The hidden field carrying attached files (repeated).
pub const FILES_FIELD: &str = "tep_da_luu";

impl Entered {
    /// Reads the draft from a form's fields.
    pub fn read(fields: &[(String, String)]) -> Entered {
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.as_str()).trim().to_string();
        let mut files: Vec<Attached> = Vec::new();
        for a in fields.iter().filter(|(k, _)| k == FILES_FIELD).filter_map(|(_, v)| Attached::decode(v)) {
            files.retain(|f| f.code != a.code);
            files.push(a);
        }
        Entered {
            province: get("tinh"),
            unit: get("don_vi"),
            name: get("ho_ten"),
            id_number: get("so_dinh_danh"),
            birth_date: get("ngay_sinh"),
            phone: get("dien_thoai"),
            email: get("email"),
            files,
        }
    }

    /// Attaches `file` to its component, replacing an earlier one.
    pub fn attach(&mut self, file: Attached) {
        self.files.retain(|f| f.code != file.code);
        self.files.push(file);
    }

    pub fn file(&self, code: &str) -> Option<&Attached> {
        self.files.iter().find(|f| f.code == code)
    }

    /// The hidden fields carrying everything not asked on `step`'s page.
    pub fn hidden(&self, step: Step) -> Vec<(&'static str, String)> {
        let mut h = Vec::new();
        let mut put = |k: &'static str, v: &str| h.push((k, v.to_string()));
        put("tinh", &self.province);
        if step != Step::Where {
            put("don_vi", &self.unit);
        }
        if step != Step::Applicant {
            put("ho_ten", &self.name);
            put("so_dinh_danh", &self.id_number);
            put("ngay_sinh", &self.birth_date);
        }
        if step != Step::Contact {
            put("dien_thoai", &self.phone);
            put("email", &self.email);
        }
        for f in &self.files {
            h.push((FILES_FIELD, f.encode()));
        }
        h
    }
}

/// A Vietnamese phone number as the domain accepts it: 10 digits from 0, or +84 and 9 digits.
pub fn phone_ok(p: &str) -> bool {
    let digits: String = p.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let local = digits.strip_prefix("+84").map(|r| format!("0{r}")).unwrap_or(digits);
    local.len() == 10 && local.starts_with('0') && local.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_in_order() {
        assert_eq!(Step::Where.next(), Step::Applicant);
        assert_eq!(Step::Documents.next(), Step::Check);
        assert_eq!(Step::Applicant.previous(), Some(Step::Where));
        assert_eq!(Step::Where.previous(), None);
        assert!(Step::ALL.iter().all(|s| Step::parse(s.slug()) == Some(*s)));
    }

    #[test]
    fn attached_files_survive_the_hidden_field() {
        let a = Attached {
            code: "TK".into(),
            sha256: "a".repeat(64),
            media_type: "application/pdf".into(),
            size: 2048,
            name: "tờ khai | bản 2.pdf".into(),
        };
        assert_eq!(Attached::decode(&a.encode()), Some(a.clone()));
        assert_eq!(a.size_text(), "2 KB");
        assert_eq!(Attached::decode("TK|nothex|application/pdf|1|x"), None);
        let fields = vec![(FILES_FIELD.to_string(), a.encode()), ("ho_ten".into(), " An ".into())];
        let e = Entered::read(&fields);
        assert_eq!((e.files.len(), e.name.as_str()), (1, "An"));
        assert!(phone_ok("0912 345 678") && phone_ok("+84912345678") && !phone_ok("12345"));
    }
}
