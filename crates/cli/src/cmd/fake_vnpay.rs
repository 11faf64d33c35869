//! `motcua fake-vnpay`: a local VNPay for tests and the demo, speaking the same protocol over
//! HTTP (payment page, IPN to the merchant — at once, later, duplicated or never — the signed
//! return, and the `querydr` API). See `motcua_web::payments::fake` for its endpoints.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, bail};
use motcua_domain::payment::vnpay::Secret;
use motcua_web::payments::fake::FakeVnpay;

use crate::clock::SystemClock;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9090")]
    listen: String,
    /// A merchant it knows, `TMN_CODE:SECRET` (repeatable); the secret may be given as
    /// `TMN_CODE:env:VARIABLE` to read it from the environment.
    #[arg(long = "merchant", required = true)]
    merchants: Vec<String>,
    /// The merchant's IPN endpoint, e.g. `http://127.0.0.1:8080/api/v1/payments/vnpay/ipn`.
    #[arg(long)]
    ipn_url: String,
}

fn merchant(spec: &str) -> anyhow::Result<(String, Secret)> {
    let Some((code, secret)) = spec.split_once(':') else { bail!("--merchant must be TMN_CODE:SECRET, got {spec}") };
    let secret = match secret.strip_prefix("env:") {
        Some(var) => std::env::var(var).with_context(|| format!("{var} is not set"))?,
        None => secret.to_string(),
    };
    if code.is_empty() || secret.is_empty() {
        bail!("--merchant needs a terminal code and a secret");
    }
    Ok((code.to_string(), Secret::new(secret)))
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let merchants: HashMap<String, Secret> =
        args.merchants.iter().map(|m| merchant(m)).collect::<anyhow::Result<_>>()?;
    let fake = FakeVnpay::new(merchants, args.ipn_url, Arc::new(SystemClock));
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!(
        "VNPay giả lập / fake VNPay at http://{addr}/paymentv2/vpcpay.html (querydr: http://{addr}/merchant_webapi/api/transaction)"
    );
    axum::serve(listener, fake.router()).with_graceful_shutdown(super::serve::shutdown_signal()).await?;
    Ok(())
}
