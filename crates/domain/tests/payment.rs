//! The payment state machine under any order of reports: a verified paid report with the right
//! amount always ends paid, nothing leaves paid, and a wrong amount never moves anything.

use chrono::{TimeZone, Utc};
use motcua_domain::dossier::DossierCode;
use motcua_domain::payment::{Payment, PaymentMethod, PaymentRef, PaymentState, Report, Settlement, settle};
use proptest::prelude::*;

fn payment() -> Payment {
    let t = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    Payment {
        reference: PaymentRef::generate(1),
        dossier: DossierCode::parse("000.00.02.H86-261123-0001").unwrap(),
        unit: "28777".into(),
        method: PaymentMethod::Vnpay,
        amount: 50_000,
        state: PaymentState::Pending,
        order_info: "x".into(),
        gateway_txn: None,
        created_at: t,
        updated_at: t,
        expires_at: t,
        paid_at: None,
    }
}

fn state() -> impl Strategy<Value = PaymentState> {
    prop::sample::select(vec![
        PaymentState::Pending,
        PaymentState::Paid,
        PaymentState::Failed,
        PaymentState::Expired,
        PaymentState::Cancelled,
    ])
}

proptest! {
    #[test]
    fn reports_in_any_order_converge(reports in prop::collection::vec((state(), prop::bool::ANY), 0..12)) {
        let mut p = payment();
        let at = p.created_at;
        let mut ever_paid = false;
        for (to, right_amount) in &reports {
            let amount = if *right_amount { p.amount } else { p.amount + 1 };
            let before = p.state;
            match settle(&p, &Report { to: *to, amount, gateway_txn: None, at }) {
                Ok(Settlement::Move(next)) => {
                    prop_assert!(before != PaymentState::Paid, "left paid for {next:?}");
                    p.state = next;
                }
                Ok(Settlement::Unchanged) => {}
                Err(_) => prop_assert!(*to == PaymentState::Paid && !right_amount),
            }
            ever_paid |= *to == PaymentState::Paid && *right_amount;
            prop_assert_eq!(p.state == PaymentState::Paid, ever_paid);
        }
    }
}
