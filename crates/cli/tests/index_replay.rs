//! A full recompute from the event log gives exactly the index read from the projections: a
//! random history (`motcua simulate`, random mode: paused, late, paid online…) for two communes,
//! scored once from `IndexStore` and once from every dossier's events replayed, on SQLite and
//! PostgreSQL.

use std::collections::HashMap;
use std::process::Command;

use chrono::{TimeZone, Utc};
use motcua_domain::dossier::{DossierCode, replay};
use motcua_domain::index::{self, DossierFacts, IndexConfigs, IndexInputs, Period};
use motcua_domain::ports::{DossierStore, IndexScope, IndexStore};
use motcua_domain::unit::UnitCode;
use motcua_storage::{Db, scratch};
use sqlx::Row;

async fn check(url: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "simulate",
            "--database",
            url,
            "--province",
            "86",
            "--communes",
            "28777,28756",
            "--from",
            "2025-10-01",
            "--to",
            "2025-11-25",
            "--per-month",
            "60",
            "--now",
            "2025-11-26T03:00:00Z",
            "--seed",
            "7",
        ])
        .output()
        .expect("running motcua simulate");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = Db::connect(url).await.unwrap();
    let province = UnitCode::parse("86").unwrap();
    let communes = vec![UnitCode::parse("28756").unwrap(), UnitCode::parse("28777").unwrap()];
    let now = Utc.with_ymd_and_hms(2025, 11, 26, 3, 0, 0).unwrap();
    let cfgs = IndexConfigs::embedded();
    for label in ["2025-10", "2025-11"] {
        let period = Period::parse(label).unwrap();
        let cfg = cfgs.for_date(period.from);
        let read =
            db.index_inputs(&IndexScope::Province(province.clone()), period.start(), period.end()).await.unwrap();
        assert!(read.dossiers.len() > 50, "a real history: {}", read.dossiers.len());
        // Every dossier of the database, rebuilt from its events alone.
        let procedures: HashMap<_, _> = read.procedures.iter().map(|p| (p.code.clone(), p.clone())).collect();
        let codes = sqlx::query("SELECT code FROM dossiers").fetch_all(db.pool()).await.unwrap();
        let mut replayed = Vec::new();
        for row in codes {
            let code = DossierCode::parse(&row.get::<String, _>("code")).unwrap();
            let events: Vec<_> = db.events(&code).await.unwrap().into_iter().map(|s| s.event).collect();
            let d = replay(&events).expect("a dossier has events");
            replayed.push(DossierFacts::of(&d, procedures.get(&d.procedure)));
        }
        let from_log =
            IndexInputs { dossiers: replayed, procedures: read.procedures.clone(), petitions: read.petitions.clone() };
        let a = index::compute_province(cfg, &province, &communes, &read, &period, now);
        let b = index::compute_province(cfg, &province, &communes, &from_log, &period, now);
        assert_eq!(a, b, "{label}: projections and the replayed log disagree");
        assert!(a.0.progress.received > 0);
    }
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_recompute_from_the_event_log_matches_the_live_figures_on_both_databases() {
    let dir = std::env::temp_dir().join(format!("motcua-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    check(&format!("sqlite://{}", dir.join("t.db").display())).await;
    std::fs::remove_dir_all(&dir).ok();
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = scratch::fresh_postgres(&admin, "motcua_replay").await.expect("PostgreSQL must be reachable");
    check(&url).await;
    scratch::drop_postgres(&admin, &url).await;
}
