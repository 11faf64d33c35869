//! Conversions between domain values and the portable column types (epoch ms, text, integers).

use chrono::{DateTime, Utc};
use sqlx::any::AnyArguments;
use sqlx::query::Query;

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The integer column `col` of `r`.
pub(crate) fn int(r: &sqlx::any::AnyRow, col: &str) -> Result<i64, motcua_domain::ports::StoreError> {
    sqlx::Row::try_get(r, col).map_err(crate::store_err)
}

/// A stored count or sequence number as `u32` (saturating).
pub(crate) fn small(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// A value bound to a dynamically built query.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// Builds SQL with numbered `$n` placeholders (sqlx's `QueryBuilder<Any>` writes `?`, which
/// PostgreSQL rejects).
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub(crate) binds: Vec<Bind>,
}

impl Params {
    /// Adds a value and returns its placeholder.
    pub(crate) fn push(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
    pub(crate) fn int(&mut self, v: i64) -> String {
        self.push(Bind::Int(v))
    }
    pub(crate) fn text(&mut self, v: impl Into<String>) -> String {
        self.push(Bind::Text(v.into()))
    }
    pub(crate) fn apply<'q>(
        &self,
        mut q: Query<'q, sqlx::Any, AnyArguments<'q>>,
    ) -> Query<'q, sqlx::Any, AnyArguments<'q>> {
        for b in &self.binds {
            q = match b {
                Bind::Int(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.clone()),
            };
        }
        q
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
