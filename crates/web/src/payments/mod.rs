//! Online payment of fees: the gateways' configuration per unit ([`config`]), the reconciliation
//! job that settles payments whose IPN never came ([`reconcile`]), what follows a payment, and a
//! local fake of VNPay for tests and the demo ([`fake`]).

pub mod config;
pub mod fake;
pub mod reconcile;

pub use config::{ConfigError, Gateways, ReconcilePolicy, VnpayEndpoints};

use motcua_domain::catalog::Procedure;
use motcua_domain::dossier::{Command, Context, LifecycleError, Status, decide};
use motcua_domain::payment::{Payment, PaymentState};
use motcua_domain::ports::{CatalogStore, DossierStore, PaymentStore};
use motcua_domain::staff::Actor;

use crate::state::AppState;

/// After a payment is confirmed: a dossier waiting in its financial-obligation step (status 6)
/// whose fees are now covered continues processing, its clock resumed. Best effort: on failure
/// the officer confirms it by hand, and the payment itself stands.
pub async fn after_paid(state: &AppState, payment: &Payment) {
    if let Err(e) = continue_dossier(state, payment).await {
        tracing::warn!(payment = %payment.reference, error = %e, "paid dossier not moved on");
    }
}

async fn continue_dossier(state: &AppState, payment: &Payment) -> Result<(), String> {
    let code = &payment.dossier;
    let Some(d) = state.db.dossier(code).await.map_err(|e| e.to_string())? else { return Ok(()) };
    if d.status != Status::FinancialObligation {
        return Ok(());
    }
    let paid: i64 = state
        .db
        .dossier_payments(code)
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .filter(|p| p.state == PaymentState::Paid)
        .map(|p| p.amount)
        .sum();
    let procedure: Procedure =
        state.db.procedure(&d.procedure).await.map_err(|e| e.to_string())?.ok_or("no procedure")?;
    let (calendar, version) = crate::api::dossiers::calendar_for(state, &d).await.map_err(|e| e.body.message_en)?;
    let now = state.now();
    let ctx = Context { now, calendar: &calendar, calendar_version: version, procedure: &procedure };
    let command = Command::ConfirmFinancialObligation { online_payment: payment.method.online_flag() };
    let result = state
        .db
        .execute(code, &Actor::System, now, |d| {
            // Fees may have grown since the payment was opened: continue only if covered.
            if d.fee_total() > paid {
                return Err(LifecycleError::WrongStep { command: "confirm_financial_obligation" });
            }
            decide(d, &Actor::System, &command, &ctx)
        })
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(motcua_domain::ports::ExecuteError::Rejected(_)) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}
