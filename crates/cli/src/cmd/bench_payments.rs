//! `motcua bench-payments`: payment figures (never a timed test), per database:
//! - IPN verifications per second through the real HTTP endpoint at concurrency 64: signed
//!   notices for payments already confirmed (signature, merchant, order and amount checked, the
//!   `02` answer) and first confirmations (each one writes the payment and its dossier event);
//! - statement matching: rows per second to read and match a 100,000-row CSV statement against
//!   the dossiers that owe fees.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Duration;
use motcua_domain::catalog::seed_procedures;
use motcua_domain::clock::Clock;
use motcua_domain::dossier::{Applicant, Channel, Component, DossierCode, SecretHash, Submission};
use motcua_domain::identity::ApplicantId;
use motcua_domain::payment::statement::{Matcher, Outcome, Owed, parse_statement};
use motcua_domain::payment::vnpay::{self, Merchant, Secret};
use motcua_domain::payment::{PaymentMethod, PaymentRef, PaymentState};
use motcua_domain::ports::{Creation, DossierStore, NewPayment, PaymentStore};
use motcua_domain::staff::Actor;
use motcua_domain::unit::UnitCode;
use motcua_storage::{Db, scratch};
use motcua_web::AppState;
use motcua_web::payments::{Gateways, VnpayEndpoints};

use crate::clock::SystemClock;
use crate::setup;

#[derive(clap::Args)]
pub struct Args {
    /// Payments whose IPN is sent (each confirmed once, then verified again).
    #[arg(long, default_value_t = 2_000)]
    payments: usize,
    /// Verifications of already-confirmed notices.
    #[arg(long, default_value_t = 50_000)]
    verifications: usize,
    /// Concurrent IPN senders.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Statement rows to match.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// Dossiers owing fees that the statement is matched against.
    #[arg(long, default_value_t = 5_000)]
    owing: usize,
    /// An administrative PostgreSQL URL (a scratch database is made next to it); empty: SQLite only.
    #[arg(long, env = "MOTCUA_BENCH_POSTGRES", default_value = "postgres://postgres@127.0.0.1:5432/test")]
    postgres: String,
}

const TMN: &str = "BENCH001";
const SECRET: &str = "bench-secret-0123456789";

pub async fn run(args: Args) -> anyhow::Result<()> {
    matching(&args);
    let dir = std::env::temp_dir().join(format!("motcua-bench-payments-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    ipn(&args, &format!("sqlite://{}", dir.join("bench.db").display()), "SQLite").await?;
    std::fs::remove_dir_all(&dir).ok();
    if !args.postgres.trim().is_empty() {
        let url =
            scratch::fresh_postgres(&args.postgres, "motcua_bench").await.context("creating a scratch database")?;
        let r = ipn(&args, &url, "PostgreSQL").await;
        scratch::drop_postgres(&args.postgres, &url).await;
        r?;
    }
    Ok(())
}

fn code(n: usize) -> DossierCode {
    let day = 1 + (n / 9000) % 28;
    DossierCode::parse(&format!("000.00.02.H86-2611{day:02}-{:04}", n % 9000 + 1)).expect("a valid code")
}

/// Reads and matches a statement of `rows` credits: a third with the exact code, a third with a
/// typo or the bank's mangling, a third without any code.
fn matching(args: &Args) {
    let owed: Vec<Owed> =
        (0..args.owing).map(|i| Owed { dossier: code(i), due: 8_000 * (1 + (i % 7) as i64) }).collect();
    let mut csv = String::from("Ngày giao dịch;Số tham chiếu;Số tiền ghi có;Nội dung\n");
    for r in 0..args.rows {
        let o = &owed[r % owed.len()];
        let text = o.dossier.to_string();
        let memo = match r % 3 {
            0 => format!("NGUYEN VAN AN CK LE PHI {text}"),
            1 => format!("nop phi {}", text.replace(['.', '-'], "").replacen('2', "z", 1)),
            _ => "CHUYEN TIEN".to_string(),
        };
        csv.push_str(&format!("23/11/2026;FT{r:08};{};{memo}\n", o.due));
    }
    let t = Instant::now();
    let credits = parse_statement(csv.as_bytes()).expect("the generated statement reads");
    let parsed = t.elapsed();
    let t = Instant::now();
    let outcomes = Matcher::new(owed).run(&credits);
    let matched = t.elapsed();
    let n = outcomes.len() as f64;
    let matched_rows = outcomes.iter().filter(|o| matches!(o, Outcome::Matched(_))).count();
    println!(
        "statement: {} rows read in {:.2} s ({:.0} rows/s), matched against {} owing dossiers in {:.2} s ({:.0} rows/s; {matched_rows} matched, the rest repeats or without a code)",
        credits.len(),
        parsed.as_secs_f64(),
        n / parsed.as_secs_f64(),
        args.owing,
        matched.as_secs_f64(),
        n / matched.as_secs_f64()
    );
}

/// Dossiers owing 16,000 đồng, each with a pending VNPay payment; their references.
async fn prepare(db: &Db, n: usize) -> anyhow::Result<Vec<PaymentRef>> {
    let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "2.000635").context("seed procedure 2.000635")?;
    let submission = Submission {
        procedure: p.code.clone(),
        unit: UnitCode::parse("28777")?,
        channel: Channel::Online,
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: ApplicantId::parse("086090001234")?,
            phone: None,
            email: None,
            address: None,
            birth_date: None,
        },
        components: p
            .components
            .iter()
            .map(|c| Component {
                code: c.code.clone(),
                name: c.name.clone(),
                file_sha256: None,
                digitized: true,
                reused: false,
                from_citizen_store: false,
            })
            .collect(),
        copies: 2,
        identity_verified: false,
    };
    let new = submission.check(&p).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let now = SystemClock.now();
    let mut refs = Vec::with_capacity(n);
    for i in 0..n {
        let creation = Creation { new: new.clone(), actor: Actor::Citizen, at: now, secret: SecretHash::of("s") };
        let d = db.create(creation, None::<fn(&_) -> _>).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let reference = PaymentRef::generate(0xBE4C_0000_0000 + i as u64);
        let payment = NewPayment {
            reference: reference.clone(),
            dossier: d.code,
            method: PaymentMethod::Vnpay,
            order_info: "bench".into(),
            actor: Actor::Citizen,
            at: now,
            expires_at: now + Duration::hours(1),
            first_check_at: None,
        };
        db.open_payment(payment).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        refs.push(reference);
    }
    Ok(refs)
}

fn signed_notice(reference: &PaymentRef) -> Vec<(String, String)> {
    let mut p = BTreeMap::new();
    for (k, v) in [
        ("vnp_Amount", "1600000"),
        ("vnp_BankCode", "NCB"),
        ("vnp_OrderInfo", "Thanh toán lệ phí hồ sơ"),
        ("vnp_PayDate", "20261123091000"),
        ("vnp_ResponseCode", "00"),
        ("vnp_TmnCode", TMN),
        ("vnp_TransactionNo", "14000001"),
        ("vnp_TransactionStatus", "00"),
        ("vnp_TxnRef", reference.as_str()),
    ] {
        p.insert(k.to_string(), v.to_string());
    }
    let hash = vnpay::sign(&p, &Secret::new(SECRET));
    p.insert("vnp_SecureHash".into(), hash);
    p.into_iter().collect()
}

/// Sends `total` notices from `refs` (round robin) at the given concurrency; returns the answers
/// per code and the elapsed time.
async fn send(
    url: &str,
    refs: &[PaymentRef],
    total: usize,
    concurrency: usize,
) -> anyhow::Result<(BTreeMap<String, usize>, f64)> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let notices: Arc<Vec<Vec<(String, String)>>> = Arc::new(refs.iter().map(signed_notice).collect());
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..concurrency {
        let (client, url, notices) = (client.clone(), url.to_string(), notices.clone());
        tasks.spawn(async move {
            let mut codes: BTreeMap<String, usize> = BTreeMap::new();
            let mut i = t;
            while i < total {
                let r = client.get(&url).query(&notices[i % notices.len()]).send().await?;
                let v: serde_json::Value = r.json().await?;
                *codes.entry(v["RspCode"].as_str().unwrap_or("??").to_string()).or_default() += 1;
                i += concurrency;
            }
            anyhow::Ok(codes)
        });
    }
    let mut all = BTreeMap::new();
    while let Some(r) = tasks.join_next().await {
        for (k, v) in r?? {
            *all.entry(k).or_default() += v;
        }
    }
    Ok((all, start.elapsed().as_secs_f64()))
}

async fn ipn(args: &Args, url: &str, label: &str) -> anyhow::Result<()> {
    let db = setup::open(url).await?;
    setup::load_reference_data(&db).await?;
    let refs = prepare(&db, args.payments).await?;
    let gateways = Gateways::new(Some(VnpayEndpoints {
        payment_url: "http://127.0.0.1:9/paymentv2/vpcpay.html".into(),
        api_url: "http://127.0.0.1:9/merchant_webapi/api/transaction".into(),
        return_url: "http://127.0.0.1:9/thanh-toan/ket-qua".into(),
        expire: std::time::Duration::from_secs(900),
    }))
    .with_merchant("28777", Merchant { tmn_code: TMN.into(), secret: Secret::new(SECRET) });
    let state = AppState::new(db.clone(), Arc::new(SystemClock)).with_payments(gateways);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let ipn_url = format!("http://{}/api/v1/payments/vnpay/ipn", listener.local_addr()?);
    let server = tokio::spawn(motcua_web::serve(listener, state, std::future::pending()));
    let (first, secs) = send(&ipn_url, &refs, refs.len(), args.concurrency).await?;
    println!(
        "{label}: {} first confirmations over HTTP at concurrency {} in {secs:.2} s: {:.0}/s {first:?}",
        refs.len(),
        args.concurrency,
        refs.len() as f64 / secs
    );
    let (again, secs) = send(&ipn_url, &refs, args.verifications, args.concurrency).await?;
    println!(
        "{label}: {} IPN verifications (already confirmed) over HTTP at concurrency {} in {secs:.2} s: {:.0}/s {again:?}",
        args.verifications,
        args.concurrency,
        args.verifications as f64 / secs
    );
    let paid = db.payment(&refs[0]).await?.map(|p| p.state);
    anyhow::ensure!(paid == Some(PaymentState::Paid), "the first payment is paid");
    server.abort();
    db.close().await;
    Ok(())
}
