//! `motcua add-staff`: create a staff account.

use anyhow::Context;
use motcua_domain::ports::StaffStore;
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;

use crate::setup;

#[derive(clap::Args)]
pub struct NewStaff {
    #[arg(long)]
    username: String,
    #[arg(long)]
    full_name: String,
    /// intake_officer, specialist, leader, center_director, province_monitor or administrator.
    #[arg(long)]
    role: String,
    /// Commune code (or province code for province roles).
    #[arg(long)]
    unit: String,
    /// Password (or set MOTCUA_NEW_PASSWORD).
    #[arg(long, env = "MOTCUA_NEW_PASSWORD", hide_env_values = true)]
    password: String,
}

pub async fn run(database: &str, s: NewStaff) -> anyhow::Result<()> {
    let role = Role::parse(&s.role).with_context(|| format!("unknown role {:?}", s.role))?;
    let unit = UnitCode::parse(&s.unit)?;
    anyhow::ensure!(s.password.chars().count() >= 10, "the password must have at least 10 characters");
    let db = setup::open(database).await?;
    let staff =
        db.create_staff(&s.username, &s.full_name, role, &unit, &motcua_web::auth::hash_password(&s.password)).await?;
    println!("Đã tạo tài khoản / created account {} (id {})", staff.username, staff.id.0);
    Ok(())
}
