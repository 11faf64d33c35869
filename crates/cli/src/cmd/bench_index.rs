//! `motcua bench --index`: the 766 index at province scale. Generates N dossiers' facts across a
//! province's communes for one month (fixed seed), then times: the full recompute of every
//! indicator for every commune; the latency from one event to an updated ranking (only the
//! affected commune is recomputed, the others' totals are kept); and, on the same facts loaded
//! into DuckDB (Python package `duckdb`), the equivalent aggregate queries. Memory is the
//! process's peak resident set. Figures only; nothing here is a timed test.

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Channel, DossierCode, Status};
use motcua_domain::index::{self, DossierFacts, IndexConfigs, IndexInputs, Level, Period};
use motcua_domain::unit::{AgencyCode, UnitCode};

#[derive(clap::Args, Debug, Clone)]
pub struct IndexArgs {
    /// Time the 766 index at province scale instead of the other benchmarks.
    #[arg(long)]
    pub index: bool,
    /// Dossiers generated for the month.
    #[arg(long, default_value_t = 1_000_000)]
    pub index_dossiers: usize,
    /// Communes of the province.
    #[arg(long, default_value_t = 100)]
    pub index_communes: usize,
    /// The Python interpreter with the `duckdb` package; empty: skip DuckDB.
    #[arg(long, default_value = "python3")]
    pub index_python: String,
}

/// xorshift64*: a fixed, dependency-free sequence.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn generate(n: usize, communes: &[UnitCode], province: &UnitCode, start: DateTime<Utc>) -> Vec<DossierFacts> {
    let mut rng = Rng(766);
    let procedures: Vec<ProcedureCode> =
        ["1.001612", "1.001193", "2.000488", "1.004873"].iter().map(|c| ProcedureCode::parse(c).unwrap()).collect();
    let agencies: Vec<AgencyCode> =
        (0..communes.len()).map(|i| AgencyCode::default_for(province, Some(i as u32 + 1))).collect();
    (0..n)
        .map(|i| {
            let u = rng.below(communes.len() as u64) as usize;
            let received = start + Duration::minutes(rng.below(30 * 24 * 60) as i64);
            let allowed = Duration::hours(8 * (1 + rng.below(15) as i64));
            let due = received + allowed;
            let (status, ended, paused) = match rng.below(100) {
                0..85 => {
                    let used = allowed.num_minutes() * (20 + rng.below(110) as i64) / 100;
                    (Status::Returned, Some(received + Duration::minutes(used)), None)
                }
                85..95 => (Status::Processing, None, None),
                95..98 => (Status::SupplementRequested, None, Some(received + allowed / 2)),
                _ => (Status::Refused, Some(received), None),
            };
            let day = received.date_naive();
            DossierFacts {
                code: DossierCode::new(agencies[u].clone(), day, (i % 1_000_000) as u32 + 1),
                procedure: procedures[rng.below(4) as usize].clone(),
                receiving_unit: communes[u].clone(),
                handling_unit: communes[u].clone(),
                channel: if rng.chance(70) { Channel::Online } else { Channel::Counter },
                status,
                submitted_at: received,
                received_at: Some(received),
                due_at: Some(due),
                ended_at: ended,
                paused_since: paused,
                supplement_requests: u32::from(paused.is_some()),
                digitized: rng.chance(90),
                reused: rng.chance(40),
                from_citizen_store: rng.chance(30),
                electronic_result: rng.chance(80),
                paper_result: rng.chance(60),
                has_fee: rng.chance(50),
                fee_total: 50_000,
                online_payment: if rng.chance(40) { 2 } else { 0 },
                identity_verified: rng.chance(95),
                fully_online_procedure: rng.chance(50),
                rating: None,
                complaint: false,
            }
        })
        .collect()
}

/// Peak resident memory of this process, in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

pub fn run(args: &IndexArgs) -> anyhow::Result<()> {
    let province = UnitCode::parse("86")?;
    let communes: Vec<UnitCode> =
        (0..args.index_communes).map(|i| UnitCode::parse(&format!("{:05}", 90_000 + i)).unwrap()).collect();
    let period = Period::parse("2025-11")?;
    let vn = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let now = vn.with_ymd_and_hms(2025, 12, 5, 9, 0, 0).unwrap().with_timezone(&Utc);
    let cfgs = IndexConfigs::embedded();
    let cfg = cfgs.for_date(NaiveDate::from_ymd_opt(2025, 11, 1).unwrap());
    println!(
        "766 index benchmark — {} dossiers, {} communes, period {}",
        args.index_dossiers,
        communes.len(),
        period.label()
    );
    let t = Instant::now();
    let mut dossiers = generate(args.index_dossiers, &communes, &province, period.start());
    // Storage returns the facts in code order (`ORDER BY code`).
    dossiers.sort_by(|a, b| a.code.cmp(&b.code));
    let mut inputs = IndexInputs { dossiers, ..Default::default() };
    println!("  generated the facts in {:.2} s (peak memory {:.0} MiB)", t.elapsed().as_secs_f64(), peak_mib());

    let mut best = f64::MAX;
    let mut reports = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let (_, each) = index::compute_province(cfg, &province, &communes, &inputs, &period, now);
        best = best.min(t.elapsed().as_secs_f64());
        reports = each;
    }
    println!(
        "  full recompute, all 17 indicators × {} communes + the province: {:.3} s (best of 3)",
        communes.len(),
        best
    );

    // Event → ranking: one dossier ends late; only its commune is recomputed, then all are re-ranked.
    let mut by_unit: HashMap<UnitCode, IndexInputs> = HashMap::new();
    for f in inputs.dossiers.drain(..) {
        by_unit.entry(f.receiving_unit.clone()).or_default().dossiers.push(f);
    }
    let mut totals: HashMap<UnitCode, f64> = reports.iter().map(|r| (r.unit.clone(), r.total)).collect();
    let before: Vec<(UnitCode, f64)> = totals.iter().map(|(u, t)| (u.clone(), *t)).collect();
    let mut latencies = Vec::new();
    for k in 0..20 {
        let unit = communes[k * 7 % communes.len()].clone();
        let t = Instant::now();
        let group = by_unit.get_mut(&unit).expect("every commune has dossiers");
        if let Some(f) = group.dossiers.iter_mut().find(|f| f.ended_at.is_none() && f.status == Status::Processing) {
            f.status = Status::Returned;
            f.ended_at = f.due_at.map(|d| d + Duration::hours(1));
        }
        let r = index::compute(cfg, &unit, Level::Commune, group, &period, now);
        totals.insert(unit, r.total);
        let current: Vec<(UnitCode, f64)> = totals.iter().map(|(u, t)| (u.clone(), *t)).collect();
        let ranking = index::rank(&current, &before);
        latencies.push(t.elapsed().as_secs_f64());
        assert_eq!(ranking.len(), communes.len());
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "  event → updated ranking (recompute the affected commune, re-rank {}): p50 {:.1} ms, max {:.1} ms",
        communes.len(),
        latencies[latencies.len() / 2] * 1000.0,
        latencies[latencies.len() - 1] * 1000.0
    );
    println!("  peak memory: {:.0} MiB", peak_mib());
    if !args.index_python.is_empty() {
        duckdb(args, &by_unit, &period, now, best)?;
    }
    Ok(())
}

const DUCKDB_SCRIPT: &str = include_str!("bench_index.py");

fn duckdb(
    args: &IndexArgs,
    by_unit: &HashMap<UnitCode, IndexInputs>,
    period: &Period,
    now: DateTime<Utc>,
    ours: f64,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("motcua-bench-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("facts.csv");
    let t = Instant::now();
    let mut w = std::io::BufWriter::new(std::fs::File::create(&csv)?);
    writeln!(
        w,
        "unit,received,due,ended,paused,status,channel,digitized,reused,store,eresult,paper,fee,paid,verified,full_online"
    )?;
    let ms = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp_millis().to_string()).unwrap_or_default();
    for g in by_unit.values() {
        for f in &g.dossiers {
            writeln!(
                w,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                f.receiving_unit,
                ms(f.received_at),
                ms(f.due_at),
                ms(f.ended_at),
                ms(f.paused_since),
                f.status.code(),
                f.channel.code(),
                u8::from(f.digitized),
                u8::from(f.reused),
                u8::from(f.from_citizen_store),
                u8::from(f.electronic_result),
                u8::from(f.paper_result),
                u8::from(f.has_fee && f.fee_total > 0),
                u8::from(f.online_payment > 0),
                u8::from(f.identity_verified),
                u8::from(f.fully_online_procedure)
            )?;
        }
    }
    w.flush()?;
    println!("  wrote the same facts as CSV for DuckDB in {:.1} s", t.elapsed().as_secs_f64());
    let out = std::process::Command::new(&args.index_python)
        .arg("-c")
        .arg(DUCKDB_SCRIPT)
        .arg(&csv)
        .arg(period.start().timestamp_millis().to_string())
        .arg(period.end().min(now).timestamp_millis().to_string())
        .arg(now.timestamp_millis().to_string())
        .output();
    std::fs::remove_dir_all(&dir).ok();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            print!("{text}");
            if let Some(secs) =
                text.lines().find_map(|l| l.strip_prefix("duckdb_seconds=")).and_then(|s| s.trim().parse::<f64>().ok())
            {
                println!("  ratio Motcua / DuckDB: {:.2} (below 1: Motcua is faster)", ours / secs);
            }
        }
        Ok(o) => println!("  DuckDB skipped: {}", String::from_utf8_lossy(&o.stderr).lines().last().unwrap_or("")),
        Err(e) => println!("  DuckDB skipped: {e}"),
    }
    Ok(())
}
