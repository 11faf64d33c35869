//! One OpenID Connect provider: discovery (cached, re-read when a signing key is not found), the
//! authorization request (code flow with PKCE S256, `state` and `nonce`), the code exchange and the
//! ID token's verification (signature against the provider's JWKS, `iss`, `aud`, `exp` against
//! the application's clock, `nonce`, and `at_hash` when present).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use motcua_storage::oidc::Attempt;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, ClaimsVerificationError, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IdToken, IdTokenClaims, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RequestTokenError, Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};

use super::config::ProviderConfig;
use super::error::SignInError;

/// How long discovered metadata (endpoints, signing keys) is trusted before being read again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// How long the provider may take to answer.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Claims beyond the standard ones (a provider may carry the CCCD in its own claim).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OtherClaims(HashMap<String, serde_json::Value>);

impl AdditionalClaims for OtherClaims {}

/// A client built from discovery: authorization endpoint set, token and userinfo endpoints as discovered.
type DiscoveredClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;
type Claims = IdTokenClaims<OtherClaims, CoreGenderClaim>;
type ProviderIdToken =
    IdToken<OtherClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// Who the provider says signed in, from a verified ID token.
#[derive(Debug, Clone)]
pub struct Verified {
    pub issuer: String,
    pub subject: String,
    pub name: Option<String>,
    pub email_verified: Option<bool>,
    claims: Claims,
}

impl Verified {
    /// The value of claim `name` (standard or not), when it is a string or a number.
    pub fn claim(&self, name: &str) -> Option<String> {
        let c = &self.claims;
        let value = match name {
            "sub" => Some(c.subject().to_string()),
            "email" => c.email().map(|e| e.to_string()),
            "preferred_username" => c.preferred_username().map(|u| u.to_string()),
            "phone_number" => c.phone_number().map(|p| p.to_string()),
            _ => c.additional_claims().0.get(name).and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
        };
        value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }
}

/// A provider, its HTTP client and its cached discovery document.
pub struct Provider {
    pub config: ProviderConfig,
    http: reqwest::Client,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl Provider {
    pub fn new(config: ProviderConfig) -> Provider {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send us elsewhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .build()
            .expect("an HTTP client with a timeout and no redirects");
        Provider { config, http, metadata: Mutex::new(None) }
    }

    /// The discovery document, read again when older than an hour or when `refresh`.
    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, SignInError> {
        if !refresh {
            let cached = self.metadata.lock().expect("metadata lock");
            if let Some((_, m)) = cached.as_ref().filter(|(at, _)| at.elapsed() < METADATA_TTL) {
                return Ok(m.clone());
            }
        }
        let m = CoreProviderMetadata::discover_async(self.config.issuer.clone(), &self.http)
            .await
            .map_err(|e| SignInError::ProviderUnavailable(format!("discovery: {e}")))?;
        *self.metadata.lock().expect("metadata lock") = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    fn client(&self, m: CoreProviderMetadata) -> DiscoveredClient {
        CoreClient::from_provider_metadata(m, self.config.client_id.clone(), self.config.client_secret.clone())
            .set_redirect_uri(self.config.redirect.clone())
    }

    /// A new sign-in: the provider's authorization URL, the `state` it carries (kept by the
    /// browser, its hash by us) and what the answer will be checked against.
    pub async fn begin(&self, expires_at: DateTime<Utc>) -> Result<(String, String, Attempt), SignInError> {
        let client = self.client(self.metadata(false).await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        for s in &self.config.scopes {
            request = request.add_scope(Scope::new(s.clone()));
        }
        let (url, state, nonce) = request.url();
        let attempt = Attempt { nonce: nonce.secret().clone(), pkce_verifier: verifier.secret().clone(), expires_at };
        Ok((url.to_string(), state.secret().clone(), attempt))
    }

    /// Exchanges `code` (with the attempt's PKCE verifier) and verifies the ID token at `now`.
    pub async fn finish(&self, code: &str, attempt: Attempt, now: DateTime<Utc>) -> Result<Verified, SignInError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(metadata);
        let exchange = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SignInError::ProviderUnavailable(format!("no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier));
        let response = exchange.request_async(&self.http).await.map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => SignInError::CodeRejected(r.error().to_string()),
            other => SignInError::ProviderUnavailable(format!("token endpoint: {other}")),
        })?;
        let raw = response.id_token().ok_or(SignInError::NoIdToken)?.to_string();
        let token: ProviderIdToken = raw.parse().map_err(|e| SignInError::TokenInvalid(format!("unreadable: {e}")))?;
        let nonce = Nonce::new(attempt.nonce);
        let verify = |client: &DiscoveredClient| {
            let verifier = client.id_token_verifier().set_time_fn(move || now);
            let claims = token.claims(&verifier, &nonce).map_err(classify)?.clone();
            if let Some(expected) = claims.access_token_hash() {
                let alg = token.signing_alg().map_err(|e| SignInError::TokenInvalid(e.to_string()))?;
                let key = token.signing_key(&verifier).map_err(|e| SignInError::TokenInvalid(e.to_string()))?;
                let actual = AccessTokenHash::from_token(response.access_token(), alg, key)
                    .map_err(|e| SignInError::TokenInvalid(e.to_string()))?;
                if actual != *expected {
                    return Err(SignInError::TokenInvalid("at_hash does not match the access token".into()));
                }
            }
            Ok(claims)
        };
        let claims = match verify(&client) {
            // The provider may have rotated its keys since discovery: read them again, once.
            Err(SignInError::TokenInvalid(reason)) if reason.starts_with(NO_KEY) => {
                verify(&self.client(self.metadata(true).await?))?
            }
            other => other?,
        };
        Ok(Verified {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
            email_verified: claims.email_verified(),
            claims,
        })
    }
}

const NO_KEY: &str = "no signing key";

/// Maps the library's verdict to ours: expiry and nonce apart, everything else "invalid".
fn classify(e: ClaimsVerificationError) -> SignInError {
    match e {
        ClaimsVerificationError::Expired(m) => SignInError::TokenExpired(m),
        ClaimsVerificationError::InvalidNonce(m) => SignInError::NonceMismatch(m),
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey) => {
            SignInError::TokenInvalid(format!("{NO_KEY} matches the token"))
        }
        other => SignInError::TokenInvalid(other.to_string()),
    }
}
