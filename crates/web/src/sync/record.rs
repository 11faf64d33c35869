//! The dossier record pushed to the national portal (DVCQG): the field set of DOMAIN §2.3
//! (`HoSoDongBoDVC`), built from the projection a change left. Dates are `yyyyMMddHHmmss` in
//! Vietnam time (UTC+7), as the portal's sync vocabulary writes them.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_domain::catalog::Procedure;
use motcua_domain::dossier::{Dossier, PauseKind, Status};
use serde_json::{Value, json};

fn date(t: Option<DateTime<Utc>>) -> Value {
    let vn = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    t.map_or(Value::Null, |t| Value::String(t.with_timezone(&vn).format("%Y%m%d%H%M%S").to_string()))
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

/// The record a connector receives for `d`, or `None` for a connector without a record format.
pub fn record_for(connector: &str, d: &Dossier, procedure: Option<&Procedure>) -> Option<Value> {
    match connector {
        motcua_domain::ports::DVCQG => Some(dvcqg_record(d, procedure)),
        motcua_domain::ports::CIVIL_REGISTRY => Some(civil_registry_record(d, procedure)),
        _ => None,
    }
}

/// The record of `d` as of event `seq`; `procedure` gives the procedure's name and field.
pub fn dvcqg_record(d: &Dossier, procedure: Option<&Procedure>) -> Value {
    let organisation = d.applicant.id_number.kind() == "mst";
    let refused = d.status == Status::Refused;
    json!({
        "MaHoSo": d.code.to_string(),
        "MaTTHC": d.procedure.as_str(),
        "TenTTHC": procedure.map(|p| p.name.as_str()),
        "MaLinhVuc": procedure.map(|p| p.field.as_str()),
        "KenhThucHien": d.channel.code(),
        "ChuHoSo": d.applicant.name,
        "SoGiayToChuHoSo": d.applicant.id_number.as_str(),
        "LoaiDoiTuong": if organisation { 2 } else { 1 },
        "DinhDanhCHS": [{
            "LoaiDinhDanh": if organisation { 2 } else { 1 },
            "SoDinhDanh": d.applicant.id_number.as_str(),
        }],
        "NgayNopHoSo": date(Some(d.submitted_at)),
        "NgayTiepNhan": date(d.received_at),
        "NgayHenTra": date(d.due_at),
        "NgayKetThucXuLy": date(d.ended_at),
        "NgayTra": date(d.returned_at),
        "NgayTuChoi": date(if refused { d.ended_at } else { None }),
        "TrangThaiHoSo": d.status.code(),
        "DonViXuLy": d.handling_unit.as_str(),
        "TaiLieuNop": d.components.iter().map(|c| json!({
            "MaThanhPhanHoSo": c.code,
            "DuongDanTaiTepTin": c.file_sha256.as_ref().map(|h| format!("sha256:{h}")),
            "DuocSoHoa": flag(c.digitized),
            "DuocTaiSuDung": flag(c.reused),
            "DuocLayTuKhoDMQG": flag(c.from_citizen_store),
            "MaKetQuaThayThe": Value::Null,
        })).collect::<Vec<_>>(),
        "DanhSachLePhi": d.fees.iter().map(|f| json!({
            "MaPhiLePhi": f.name,
            "Gia": f.total(),
            "HinhThucThu": if d.online_payment > 0 { 2 } else { 1 },
            "LoaiPhiLePhi": 1,
        })).collect::<Vec<_>>(),
        "DanhSachHoSoBoSung": d.pauses.iter().filter(|p| p.kind == PauseKind::Supplement).map(|p| json!({
            "NgayBoSung": date(Some(p.from)),
            "NgayTiepNhanBoSung": date(p.until),
            "NgayHenTraTruoc": Value::Null,
            "NgayHenTraMoi": Value::Null,
        })).collect::<Vec<_>>(),
        "DanhSachGiayToKetQua": d.results.iter().map(|r| json!({
            "MaGiayToKetQua": r.name,
            "DuongDanTepTinKetQua": r.file_sha256.as_ref().map(|h| format!("sha256:{h}")),
        })).collect::<Vec<_>>(),
        "HoSoCoThanhPhanSoHoa": flag(d.components.iter().any(|c| c.digitized)),
        "TaiKhoanDuocXacThucVoiVNeID": flag(d.identity_verified),
        "DuocThanhToanTrucTuyen": d.online_payment,
    })
}

/// The record the civil registry receives for a civil-status (hộ tịch) dossier's decision and
/// result: the dossier, the procedure, the requester and the result papers. The shared
/// civil-registry software's interface is not published; this shape uses the portal's field
/// names and is the one the fake registry (`motcua fake-portal`) checks.
pub fn civil_registry_record(d: &Dossier, procedure: Option<&Procedure>) -> Value {
    json!({
        "MaHoSo": d.code.to_string(),
        "MaTTHC": d.procedure.as_str(),
        "TenTTHC": procedure.map(|p| p.name.as_str()),
        "TrangThaiHoSo": d.status.code(),
        "DonViXuLy": d.handling_unit.as_str(),
        "NguoiYeuCau": {"HoTen": d.applicant.name, "SoDinhDanh": d.applicant.id_number.as_str()},
        "NgayQuyetDinh": date(d.ended_at),
        "NgayTra": date(d.returned_at),
        "KetQua": d.results.iter().map(|r| json!({
            "TenGiayTo": r.name,
            "DuongDanTepTin": r.file_sha256.as_ref().map(|h| format!("sha256:{h}")),
        })).collect::<Vec<_>>(),
    })
}
