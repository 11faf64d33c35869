//! Which OpenID Connect providers sign people in, read from the environment: one for citizens
//! (VNeID in production), and one for staff (only when configured).
//!
//! | Citizens | Staff | Meaning |
//! |---|---|---|
//! | `MOTCUA_OIDC_ISSUER` | `MOTCUA_STAFF_OIDC_ISSUER` | issuer URL (discovery at `/.well-known/openid-configuration`); unset: off |
//! | `MOTCUA_OIDC_CLIENT_ID` | `MOTCUA_STAFF_OIDC_CLIENT_ID` | client id registered with the provider |
//! | `MOTCUA_OIDC_CLIENT_SECRET` | `MOTCUA_STAFF_OIDC_CLIENT_SECRET` | client secret (unset: a public client, PKCE only) |
//! | `MOTCUA_OIDC_REDIRECT_URL` | `MOTCUA_STAFF_OIDC_REDIRECT_URL` | where the provider sends the browser back; default `MOTCUA_PUBLIC_URL` + `/dang-nhap/vneid/ve` or `/can-bo/dang-nhap/oidc/ve` |
//! | `MOTCUA_OIDC_IDENTITY_CLAIM` | `MOTCUA_STAFF_OIDC_CLAIM` | the ID-token claim naming the person: the CCCD (default `sub`), or the staff username (default `email`) |
//! | `MOTCUA_OIDC_SCOPES` | `MOTCUA_STAFF_OIDC_SCOPES` | scopes besides `openid` (default `profile`, and `email profile` for staff) |

use openidconnect::{ClientId, ClientSecret, IssuerUrl, RedirectUrl};

/// One provider's settings.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub issuer: IssuerUrl,
    pub client_id: ClientId,
    pub client_secret: Option<ClientSecret>,
    pub redirect: RedirectUrl,
    /// The ID-token claim that names the person.
    pub claim: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
}

/// The callback path of the citizen sign-in (the redirect URL registered with VNeID).
pub const CITIZEN_CALLBACK: &str = "/dang-nhap/vneid/ve";
/// The callback path of the staff sign-in.
pub const STAFF_CALLBACK: &str = "/can-bo/dang-nhap/oidc/ve";

/// A setting that cannot be used, named with the variable it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The citizen provider (`prefix` `MOTCUA_OIDC`) or the staff one (`MOTCUA_STAFF_OIDC`), from
/// `env`; `None` when its issuer is unset.
pub fn provider_from(
    env: &impl Fn(&str) -> Option<String>,
    staff: bool,
) -> Result<Option<ProviderConfig>, ConfigError> {
    let prefix = if staff { "MOTCUA_STAFF_OIDC" } else { "MOTCUA_OIDC" };
    let get = |name: &str| env(&format!("{prefix}_{name}")).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let Some(issuer) = get("ISSUER") else {
        return Ok(None);
    };
    let issuer = IssuerUrl::new(issuer).map_err(|e| ConfigError(format!("{prefix}_ISSUER: {e}")))?;
    let client_id = get("CLIENT_ID").ok_or_else(|| ConfigError(format!("{prefix}_CLIENT_ID is required")))?;
    let public = env("MOTCUA_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let callback = if staff { STAFF_CALLBACK } else { CITIZEN_CALLBACK };
    let redirect = get("REDIRECT_URL").unwrap_or_else(|| format!("{}{callback}", public.trim_end_matches('/')));
    let redirect = RedirectUrl::new(redirect).map_err(|e| ConfigError(format!("{prefix}_REDIRECT_URL: {e}")))?;
    let claim_var = if staff { "CLAIM" } else { "IDENTITY_CLAIM" };
    let claim = get(claim_var).unwrap_or_else(|| if staff { "email" } else { "sub" }.to_string());
    let scopes = get("SCOPES").unwrap_or_else(|| if staff { "email profile" } else { "profile" }.to_string());
    Ok(Some(ProviderConfig {
        issuer,
        client_id: ClientId::new(client_id),
        client_secret: get("CLIENT_SECRET").map(ClientSecret::new),
        redirect,
        claim,
        scopes: scopes.split_whitespace().filter(|s| *s != "openid").map(str::to_string).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn unset_issuer_means_off_and_defaults_fill_the_rest() {
        assert!(provider_from(&env(&[]), false).unwrap().is_none());
        let e = env(&[
            ("MOTCUA_OIDC_ISSUER", "https://sso.vneid.gov.vn"),
            ("MOTCUA_OIDC_CLIENT_ID", "motcua"),
            ("MOTCUA_PUBLIC_URL", "https://dichvucong.anhoi.vn/"),
        ]);
        let c = provider_from(&e, false).unwrap().unwrap();
        assert_eq!(c.redirect.as_str(), "https://dichvucong.anhoi.vn/dang-nhap/vneid/ve");
        assert_eq!((c.claim.as_str(), c.scopes.clone()), ("sub", vec!["profile".to_string()]));
        assert!(c.client_secret.is_none());
        assert!(provider_from(&e, true).unwrap().is_none(), "staff sign-in only when configured");
    }

    #[test]
    fn a_missing_client_id_or_a_bad_url_is_named() {
        let e = env(&[("MOTCUA_STAFF_OIDC_ISSUER", "https://login.tinh.gov.vn")]);
        assert!(provider_from(&e, true).unwrap_err().0.contains("MOTCUA_STAFF_OIDC_CLIENT_ID"));
        let e = env(&[("MOTCUA_OIDC_ISSUER", "not a url"), ("MOTCUA_OIDC_CLIENT_ID", "x")]);
        assert!(provider_from(&e, false).unwrap_err().0.contains("MOTCUA_OIDC_ISSUER"));
    }
}
