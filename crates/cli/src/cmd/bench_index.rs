//! `motcua bench --index`: the 766 index at province scale. Generates N dossiers' facts across a
//! province's communes for one month (fixed seed), one at a time into the compact rows the
//! ranking counts (`FactTable`, so 10 million fit in memory), then times: the full recompute of
//! every indicator for every commune (counts; the lists of lost dossiers are the drill-down's);
//! the latency from one event to an updated ranking (only the affected commune is recomputed,
//! the others' totals are kept); and, on the same facts loaded into DuckDB (Python package
//! `duckdb`), the equivalent aggregate queries. Memory is the process's peak resident set.
//! Figures only; nothing here is a timed test.

use std::io::Write;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Channel, DossierCode, Status};
use motcua_domain::index::{self, DossierFacts, FactTable, IndexConfigs, Period, ProcedureFacts};
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

/// The facts of dossier `i` (fixed seed) and its commune's index: the shape storage reads.
fn dossier(rng: &mut Rng, i: usize, g: &Gen) -> (usize, DossierFacts) {
    let u = rng.below(g.communes.len() as u64) as usize;
    let received = g.start + Duration::minutes(rng.below(30 * 24 * 60) as i64);
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
    let f = DossierFacts {
        code: DossierCode::new(g.agencies[u].clone(), received.date_naive(), (i % 1_000_000) as u32 + 1),
        procedure: g.procedures[rng.below(4) as usize].clone(),
        field: String::new(),
        receiving_unit: g.communes[u].clone(),
        handling_unit: g.communes[u].clone(),
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
        rating: if rng.chance(30) { Some(1 + rng.below(5) as u8) } else { None },
        complaint: rng.chance(2),
    };
    (u, f)
}

/// What every generated dossier draws from.
struct Gen<'a> {
    communes: &'a [UnitCode],
    agencies: Vec<AgencyCode>,
    procedures: Vec<ProcedureCode>,
    start: DateTime<Utc>,
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
    let procedures: Vec<ProcedureFacts> = ["1.001612", "1.001193", "2.000488", "1.004873"]
        .iter()
        .enumerate()
        .map(|(i, c)| ProcedureFacts {
            code: ProcedureCode::parse(c).unwrap(),
            field: String::new(),
            has_fee: i % 2 == 0,
            paper_result: true,
            fully_online: i < 2,
        })
        .collect();
    let g = Gen {
        communes: &communes,
        agencies: (0..communes.len()).map(|i| AgencyCode::default_for(&province, Some(i as u32 + 1))).collect(),
        procedures: procedures.iter().map(|p| p.code.clone()).collect(),
        start: period.start(),
    };
    // Generated one at a time and reduced to the server's compact rows (`FactTable::push`, the
    // same code the ranking runs), while the same facts stream to a CSV for DuckDB.
    let dir = std::env::temp_dir().join(format!("motcua-bench-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("facts.csv");
    let mut w = (!args.index_python.is_empty())
        .then(|| std::fs::File::create(&csv).map(std::io::BufWriter::new))
        .transpose()?;
    if let Some(w) = w.as_mut() {
        writeln!(w, "{CSV_HEADER}")?;
    }
    let t = Instant::now();
    let mut rng = Rng(766);
    let mut table = FactTable::new(cfg, &communes, &procedures).with_capacity(args.index_dossiers);
    // The first dossier in progress of each commune: the events of the latency test.
    let mut open: Vec<Option<(usize, DossierFacts)>> = vec![None; communes.len()];
    for i in 0..args.index_dossiers {
        let (u, f) = dossier(&mut rng, i, &g);
        table.push(&f);
        if let Some(w) = w.as_mut() {
            csv_row(w, &f)?;
        }
        if open[u].is_none() && f.status == Status::Processing {
            open[u] = Some((i, f));
        }
    }
    if let Some(mut w) = w {
        w.flush()?;
    }
    println!(
        "  generated the facts as {} compact rows (and the CSV for DuckDB) in {:.1} s",
        table.len(),
        t.elapsed().as_secs_f64()
    );

    let mut best = f64::MAX;
    let mut reports = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let (_, each) = table.compute(&province, &[], &period, now);
        best = best.min(t.elapsed().as_secs_f64());
        reports = each;
    }
    println!(
        "  full recompute, all 17 indicators × {} communes + the province: {:.3} s (best of 3)",
        communes.len(),
        best
    );

    // Event → ranking: a dossier in progress ends late; its commune is recomputed, all re-ranked.
    let mut totals: Vec<(UnitCode, f64)> = reports.iter().map(|r| (r.unit.clone(), r.total)).collect();
    let before = totals.clone();
    let mut latencies = Vec::new();
    for k in 0..20 {
        let u = k * 7 % communes.len();
        let Some((i, mut f)) = open[u].clone() else { continue };
        let t = Instant::now();
        f.status = Status::Returned;
        f.ended_at = f.due_at.map(|d| d + Duration::hours(1 + k as i64));
        table.set(i, &f);
        let r = table.compute_commune(u, &[], &period, now);
        totals[u].1 = r.total;
        let ranking = index::rank(&totals, &before);
        latencies.push(t.elapsed().as_secs_f64());
        assert_eq!(ranking.len(), communes.len());
    }
    latencies.sort_by(f64::total_cmp);
    if let (Some(p50), Some(max)) = (latencies.get(latencies.len() / 2), latencies.last()) {
        println!(
            "  event → updated ranking (recompute the affected commune, re-rank {}): p50 {:.1} ms, max {:.1} ms",
            communes.len(),
            p50 * 1000.0,
            max * 1000.0
        );
    }
    println!("  peak memory: {:.0} MiB", peak_mib());
    if !args.index_python.is_empty() {
        duckdb(args, &csv, &period, now, best)?;
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

const CSV_HEADER: &str =
    "unit,received,due,ended,paused,status,channel,digitized,reused,store,eresult,paper,fee,paid,verified,full_online";

fn csv_row(w: &mut impl Write, f: &DossierFacts) -> std::io::Result<()> {
    let ms = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp_millis().to_string()).unwrap_or_default();
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
    )
}

const DUCKDB_SCRIPT: &str = include_str!("bench_index.py");

fn duckdb(
    args: &IndexArgs,
    csv: &std::path::Path,
    period: &Period,
    now: DateTime<Utc>,
    ours: f64,
) -> anyhow::Result<()> {
    let out = std::process::Command::new(&args.index_python)
        .arg("-c")
        .arg(DUCKDB_SCRIPT)
        .arg(csv)
        .arg(period.start().timestamp_millis().to_string())
        .arg(period.end().min(now).timestamp_millis().to_string())
        .arg(now.timestamp_millis().to_string())
        .output();
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
