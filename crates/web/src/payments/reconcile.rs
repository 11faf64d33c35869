//! The reconciliation job: a background task of `motcua serve` that asks VNPay (`querydr`) about
//! every open payment whose check is due, at growing intervals, so a payment whose IPN was lost
//! still settles; one with no outcome after its link expired (plus a grace period) expires.
//! Answers that disagree with our record are kept for the mismatch report.

use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_domain::payment::vnpay::{Merchant, QueryRequest, QueryResponse};
use motcua_domain::payment::{Payment, PaymentError, PaymentMethod, PaymentState, Report};
use motcua_domain::ports::{DueCheck, ExecuteError, Mismatch, PaymentStore, Recorded, StoreError};
use motcua_domain::staff::Actor;

use super::Gateways;
use crate::state::AppState;

/// The wait before check number `checks + 1`: `first · 2^checks`, at most `max`.
pub fn next_wait(g: &Gateways, checks: u32) -> Duration {
    g.policy.first.saturating_mul(1u32 << checks.min(20)).min(g.policy.max)
}

/// Starts the job; abort the handle to stop it.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match reqwest::Client::builder().timeout(Duration::from_secs(15)).build() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "payment reconciliation: cannot build the HTTP client");
                return;
            }
        };
        loop {
            match round(&state, &client).await {
                Ok(0) => tokio::time::sleep(state.payments.policy.idle).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "payment reconciliation: storage error");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    })
}

/// Checks every due payment once; returns how many were checked.
pub async fn round(state: &AppState, client: &reqwest::Client) -> Result<usize, StoreError> {
    let now = state.now();
    let due = state.db.due_checks(now, 50).await?;
    for check in &due {
        check_one(state, client, check, now).await?;
    }
    Ok(due.len())
}

fn at_after(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(5))
}

async fn check_one(
    state: &AppState,
    client: &reqwest::Client,
    c: &DueCheck,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let p = &c.payment;
    let g = &state.payments;
    let retry = at_after(now, next_wait(g, c.checks + 1));
    let (Some(endpoints), Some(merchant), PaymentMethod::Vnpay) = (g.vnpay.as_ref(), g.merchant(&p.unit), p.method)
    else {
        return state.db.schedule_check(&p.reference, None, Some("no gateway to ask".into())).await;
    };
    let answer = match query(client, &endpoints.api_url, merchant, p, now).await {
        Ok(a) => a,
        Err(e) => {
            tracing::debug!(payment = %p.reference, error = %e, "querydr failed");
            return state.db.schedule_check(&p.reference, Some(retry), Some(e)).await;
        }
    };
    let expired = now > at_after(p.expires_at, g.policy.grace);
    let mismatch = |theirs: &str, detail: String| Mismatch {
        reference: p.reference.to_string(),
        source: "querydr".into(),
        ours: p.state.as_str().into(),
        theirs: theirs.into(),
        detail,
        at: now,
    };
    if answer.vnp_TxnRef != p.reference.as_str() && answer.vnp_ResponseCode == "00" {
        state.db.record_mismatch(&mismatch("other", format!("answer about {}", answer.vnp_TxnRef))).await?;
        return state.db.schedule_check(&p.reference, Some(retry), Some("answer about another payment".into())).await;
    }
    let report = match answer.outcome() {
        Ok(Some((to, amount))) => Report {
            to,
            amount,
            gateway_txn: Some(answer.vnp_TransactionNo.clone()).filter(|t| !t.is_empty()),
            at: now,
        },
        Ok(None) if expired => Report { to: PaymentState::Expired, amount: p.amount, gateway_txn: None, at: now },
        Ok(None) => return state.db.schedule_check(&p.reference, Some(retry), None).await,
        Err(e) => {
            let detail = format!("{e}: {} {}", answer.vnp_ResponseCode, answer.vnp_Message);
            return state.db.schedule_check(&p.reference, Some(retry), Some(detail)).await;
        }
    };
    match state.db.report(&p.reference, &report, &Actor::System).await {
        Ok(Recorded::Moved(after)) => {
            tracing::info!(payment = %p.reference, state = after.state.as_str(), "payment settled by reconciliation");
            if after.state == PaymentState::Paid {
                super::after_paid(state, &after).await;
            }
            Ok(())
        }
        Ok(Recorded::Unchanged(_)) => Ok(()),
        Err(ExecuteError::Rejected(PaymentError::WrongAmount { expected, reported })) => {
            let detail = format!("gateway reports {reported} đồng paid, the payment is for {expected} đồng");
            state.db.record_mismatch(&mismatch("paid", detail)).await?;
            // A person must look at it; asking again will not change the answer.
            state.db.schedule_check(&p.reference, None, Some("amount differs".into())).await
        }
        Err(ExecuteError::Rejected(e)) => state.db.schedule_check(&p.reference, Some(retry), Some(e.to_string())).await,
        Err(ExecuteError::Store(e)) => Err(e),
    }
}

/// Asks VNPay about one payment; the answer only if its signature holds.
async fn query(
    client: &reqwest::Client,
    url: &str,
    merchant: &Merchant,
    p: &Payment,
    now: DateTime<Utc>,
) -> Result<QueryResponse, String> {
    let request_id = format!("{:016x}", rand::random::<u64>());
    let info = format!("Kiem tra giao dich {}", p.reference);
    let body = QueryRequest::new(merchant, &request_id, p.reference.as_str(), &info, p.created_at, now, "127.0.0.1");
    let resp = client.post(url).json(&body).send().await.map_err(|e| format!("request failed: {e}"))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let answer: QueryResponse = resp.json().await.map_err(|e| format!("unreadable answer: {e}"))?;
    answer.verify(&merchant.secret).map_err(|_| "answer with a wrong signature".to_string())?;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::config::ReconcilePolicy;

    #[test]
    fn checks_back_off_to_the_cap() {
        let g = Gateways::default().with_policy(ReconcilePolicy {
            first: Duration::from_secs(60),
            max: Duration::from_secs(600),
            ..ReconcilePolicy::default()
        });
        assert_eq!(next_wait(&g, 0), Duration::from_secs(60));
        assert_eq!(next_wait(&g, 2), Duration::from_secs(240));
        assert_eq!(next_wait(&g, 9), Duration::from_secs(600));
    }
}
