//! The one shape in which an error is told to a person.

/// An error a person can read: a stable machine code plus a Vietnamese and an English message.
///
/// Every error that can reach a citizen or an officer implements this, so the web layer
/// renders all of them the same way (`{code, message_vi, message_en, field}`).
pub trait Described {
    /// Stable, upper-snake-case code such as `INVALID_PERSONAL_ID`.
    fn code(&self) -> &'static str;
    /// The message in Vietnamese (the default language).
    fn message_vi(&self) -> String;
    /// The message in English.
    fn message_en(&self) -> String;
    /// The input field the error is about, when there is one.
    fn field(&self) -> Option<&str> {
        None
    }
}
