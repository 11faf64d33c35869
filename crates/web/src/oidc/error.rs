//! Why a sign-in with OpenID Connect failed, told once in Vietnamese and English with a stable
//! code, and the page that tells it. A failed sign-in creates no session and no token.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_domain::Described;
use motcua_domain::ports::StoreError;

use crate::error::ApiError;
use crate::pages::Layout;

/// A sign-in that did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("this sign-in is not configured")]
    NotConfigured,
    #[error("the identity provider cannot be reached: {0}")]
    ProviderUnavailable(String),
    #[error("the identity provider answered with error {0}")]
    ProviderRefused(String),
    #[error("the state is unknown, already used or not this browser's")]
    BadState,
    #[error("the sign-in took too long")]
    AttemptExpired,
    #[error("the provider sent no authorization code")]
    MissingCode,
    #[error("the provider refused the authorization code: {0}")]
    CodeRejected(String),
    #[error("the provider returned no ID token")]
    NoIdToken,
    #[error("the ID token has expired: {0}")]
    TokenExpired(String),
    #[error("the ID token's nonce does not match: {0}")]
    NonceMismatch(String),
    #[error("the ID token is not valid: {0}")]
    TokenInvalid(String),
    #[error("the ID token has no claim {0}")]
    IdentityMissing(String),
    #[error("claim {0} is not an identity number")]
    IdentityInvalid(String),
    #[error("the e-mail address is not verified by the provider")]
    EmailNotVerified,
    #[error("no staff account is {0}")]
    StaffUnknown(String),
    #[error("staff account {0} is disabled")]
    StaffDisabled(String),
    #[error("storage: {0}")]
    Store(String),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> SignInError {
        tracing::error!(error = %e, "storage failure during sign-in");
        SignInError::Store(e.to_string())
    }
}

impl SignInError {
    pub fn status(&self) -> StatusCode {
        use SignInError::*;
        match self {
            NotConfigured => StatusCode::NOT_FOUND,
            ProviderUnavailable(_) | NoIdToken => StatusCode::BAD_GATEWAY,
            ProviderRefused(_) | BadState | AttemptExpired | MissingCode | CodeRejected(_) => StatusCode::BAD_REQUEST,
            TokenExpired(_) | NonceMismatch(_) | TokenInvalid(_) => StatusCode::UNAUTHORIZED,
            IdentityMissing(_) | IdentityInvalid(_) | EmailNotVerified | StaffUnknown(_) | StaffDisabled(_) => {
                StatusCode::FORBIDDEN
            }
            Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl Described for SignInError {
    fn code(&self) -> &'static str {
        use SignInError::*;
        match self {
            NotConfigured => "OIDC_NOT_CONFIGURED",
            ProviderUnavailable(_) => "OIDC_PROVIDER_UNAVAILABLE",
            ProviderRefused(_) => "OIDC_PROVIDER_REFUSED",
            BadState => "OIDC_BAD_STATE",
            AttemptExpired => "OIDC_ATTEMPT_EXPIRED",
            MissingCode => "OIDC_MISSING_CODE",
            CodeRejected(_) => "OIDC_CODE_REJECTED",
            NoIdToken => "OIDC_NO_ID_TOKEN",
            TokenExpired(_) => "OIDC_ID_TOKEN_EXPIRED",
            NonceMismatch(_) => "OIDC_NONCE_MISMATCH",
            TokenInvalid(_) => "OIDC_ID_TOKEN_INVALID",
            IdentityMissing(_) => "OIDC_IDENTITY_MISSING",
            IdentityInvalid(_) => "OIDC_IDENTITY_INVALID",
            EmailNotVerified => "OIDC_EMAIL_NOT_VERIFIED",
            StaffUnknown(_) => "OIDC_STAFF_UNKNOWN",
            StaffDisabled(_) => "OIDC_STAFF_DISABLED",
            Store(_) => "STORAGE_UNAVAILABLE",
        }
    }

    fn message_vi(&self) -> String {
        use SignInError::*;
        let again = "Vui lòng đăng nhập lại.";
        match self {
            NotConfigured => "Hình thức đăng nhập này chưa được cấu hình tại đơn vị.".into(),
            ProviderUnavailable(_) => "Không kết nối được với hệ thống định danh. Vui lòng thử lại sau ít phút.".into(),
            ProviderRefused(e) => format!("Hệ thống định danh không cho phép đăng nhập (mã {e}). {again}"),
            BadState => {
                format!("Yêu cầu đăng nhập không hợp lệ, đã được dùng hoặc không xuất phát từ trình duyệt này. {again}")
            }
            AttemptExpired => format!("Phiên đăng nhập đã quá thời gian cho phép. {again}"),
            MissingCode => format!("Hệ thống định danh không gửi mã xác thực. {again}"),
            CodeRejected(_) => format!("Mã xác thực đã được dùng, hết hạn hoặc không hợp lệ. {again}"),
            NoIdToken => "Hệ thống định danh không trả về thông tin định danh (ID token).".into(),
            TokenExpired(_) => format!("Thông tin định danh đã hết hạn. {again}"),
            NonceMismatch(_) => format!("Thông tin định danh không thuộc yêu cầu đăng nhập này. {again}"),
            TokenInvalid(_) => "Thông tin định danh không hợp lệ (chữ ký, nơi phát hành hoặc đối tượng sai).".into(),
            IdentityMissing(c) => format!("Thông tin định danh không có trường \"{c}\" cần để xác định người dùng."),
            IdentityInvalid(c) => {
                format!(
                    "Trường \"{c}\" trong thông tin định danh không phải số định danh cá nhân hay mã số thuế hợp lệ."
                )
            }
            EmailNotVerified => "Địa chỉ thư điện tử chưa được hệ thống định danh xác minh.".into(),
            StaffUnknown(n) => format!(
                "Không có tài khoản cán bộ \"{n}\". Tài khoản không được tự tạo; vui lòng liên hệ quản trị viên."
            ),
            StaffDisabled(n) => format!("Tài khoản cán bộ \"{n}\" đã bị khóa; vui lòng liên hệ quản trị viên."),
            Store(_) => "Hệ thống đang bận, vui lòng thử lại sau ít phút.".into(),
        }
    }

    fn message_en(&self) -> String {
        use SignInError::*;
        let again = "Please sign in again.";
        match self {
            NotConfigured => "This way of signing in is not configured here.".into(),
            ProviderUnavailable(_) => {
                "The identity provider cannot be reached. Please try again in a few minutes.".into()
            }
            ProviderRefused(e) => format!("The identity provider did not allow the sign-in (code {e}). {again}"),
            BadState => {
                format!("The sign-in request is not valid, was already used, or did not start in this browser. {again}")
            }
            AttemptExpired => format!("The sign-in took too long. {again}"),
            MissingCode => format!("The identity provider sent no authorization code. {again}"),
            CodeRejected(_) => format!("The authorization code was already used, has expired or is not valid. {again}"),
            NoIdToken => "The identity provider returned no identity (ID token).".into(),
            TokenExpired(_) => format!("The identity (ID token) has expired. {again}"),
            NonceMismatch(_) => format!("The identity (ID token) does not belong to this sign-in. {again}"),
            TokenInvalid(_) => "The identity (ID token) is not valid (signature, issuer or audience).".into(),
            IdentityMissing(c) => format!("The identity has no \"{c}\" claim to tell who you are."),
            IdentityInvalid(c) => {
                format!("The \"{c}\" claim of the identity is not a valid personal identification number or tax code.")
            }
            EmailNotVerified => "The identity provider has not verified the e-mail address.".into(),
            StaffUnknown(n) => {
                format!("There is no staff account \"{n}\". Accounts are not created on sign-in; ask an administrator.")
            }
            StaffDisabled(n) => format!("The staff account \"{n}\" is disabled; ask an administrator."),
            Store(_) => "The system is busy; please try again in a few minutes.".into(),
        }
    }
}

impl From<SignInError> for ApiError {
    fn from(e: SignInError) -> ApiError {
        ApiError::described(e.status(), &e)
    }
}

/// The page telling a person their sign-in failed: the reason, its code, and the way back.
#[derive(Template, WebTemplate)]
#[template(path = "oidc_error.html")]
pub struct SignInErrorPage {
    pub layout: Layout,
    pub code: &'static str,
    pub message: String,
    /// Where to start again.
    pub retry: &'static str,
}

/// Renders `e` as the sign-in error page (its status, the message in the page's language).
pub fn error_page(layout: Layout, e: &SignInError, retry: &'static str) -> Response {
    tracing::warn!(code = e.code(), reason = %e, "sign-in refused");
    let layout = layout.titled("Đăng nhập không thành công", "Sign-in failed");
    let message = layout.t(&e.message_vi(), &e.message_en()).to_string();
    (e.status(), SignInErrorPage { layout, code: e.code(), message, retry }).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_a_code_and_both_languages() {
        let all = [
            SignInError::NotConfigured,
            SignInError::ProviderUnavailable("x".into()),
            SignInError::ProviderRefused("access_denied".into()),
            SignInError::BadState,
            SignInError::AttemptExpired,
            SignInError::MissingCode,
            SignInError::CodeRejected("invalid_grant".into()),
            SignInError::NoIdToken,
            SignInError::TokenExpired("x".into()),
            SignInError::NonceMismatch("x".into()),
            SignInError::TokenInvalid("x".into()),
            SignInError::IdentityMissing("cccd".into()),
            SignInError::IdentityInvalid("sub".into()),
            SignInError::EmailNotVerified,
            SignInError::StaffUnknown("a@b".into()),
            SignInError::StaffDisabled("a@b".into()),
            SignInError::Store("x".into()),
        ];
        let mut codes: Vec<_> = all.iter().map(|e| e.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            assert!(!e.message_vi().is_empty() && !e.message_en().is_empty() && e.message_vi() != e.message_en());
            assert!(e.status().is_client_error() || e.status().is_server_error());
        }
    }
}
