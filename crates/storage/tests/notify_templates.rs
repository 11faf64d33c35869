//! Notifications, continued, on SQLite and PostgreSQL: units' own templates (saved, replaced,
//! reset, read per unit, a province's applying to its communes without their own), the unit recorded on each queued notice, a citizen's channel order
//! (ZNS first, SMS as its fallback) and the petitioner's notice when a PAKN is answered, queued
//! in the answer's transaction.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{NoFollowUp, calendar, officer, on_both, vn};
use motcua_domain::dossier::SecretHash;
use motcua_domain::identity::ApplicantId;
use motcua_domain::notify::outbox::{NotifyStore, TemplateStore, UnitTemplate};
use motcua_domain::notify::template::Template;
use motcua_domain::notify::{Channel, ChannelOrder, NoticeKind};
use motcua_domain::pakn::{PaknDeadlines, Petition, PetitionCommand, PetitionForm, decide};
use motcua_domain::ports::{DossierStore, PetitionCreation, PetitionStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;

fn own(unit: &str, kind: NoticeKind, sms: &str, at: DateTime<Utc>) -> UnitTemplate {
    UnitTemplate {
        unit: unit.into(),
        kind,
        template: Template::parse(kind, "Hồ sơ {code}", "Kính gửi {name}", sms).unwrap(),
        updated_by: "gd".into(),
        updated_at: at,
    }
}

#[tokio::test]
async fn units_replace_and_reset_their_templates() {
    on_both(|db| async move {
        let at = vn(2026, 11, 26, 9, 0);
        let u = UnitCode::parse("28777").unwrap();
        assert!(db.unit_templates(&u).await.unwrap().is_empty());
        db.save_template(&own("28777", NoticeKind::Received, "Da nhan {code}", at)).await.unwrap();
        db.save_template(&own("28777", NoticeKind::Received, "Nhan {code} hen {due}", at)).await.unwrap();
        db.save_template(&own("28756", NoticeKind::Refused, "Tu choi {code}", at)).await.unwrap();
        let mine = db.unit_templates(&u).await.unwrap();
        assert_eq!(mine.len(), 1, "saving again replaces");
        assert_eq!((mine[0].template.sms.as_str(), mine[0].updated_at), ("Nhan {code} hen {due}", at));
        let both = db.templates_of(&["28777".into(), "28756".into(), "00000".into()]).await.unwrap();
        assert_eq!(both.len(), 2);
        assert!(db.templates_of(&[]).await.unwrap().is_empty());
        // The province's template applies to its communes without their own.
        db.save_template(&own("86", NoticeKind::Refused, "Tinh: tu choi {code}", at)).await.unwrap();
        db.save_template(&own("86", NoticeKind::Received, "Tinh: nhan {code}", at)).await.unwrap();
        let both = db.templates_of(&["28777".into(), "28756".into()]).await.unwrap();
        let got: Vec<(&str, NoticeKind, &str)> =
            both.iter().map(|t| (t.unit.as_str(), t.kind, t.template.sms.as_str())).collect();
        assert_eq!(
            got,
            [
                ("28756", NoticeKind::Received, "Tinh: nhan {code}"),
                ("28756", NoticeKind::Refused, "Tu choi {code}"),
                ("28777", NoticeKind::Received, "Nhan {code} hen {due}"),
                ("28777", NoticeKind::Refused, "Tinh: tu choi {code}"),
            ]
        );
        assert!(db.reset_template(&u, NoticeKind::Received).await.unwrap());
        assert!(!db.reset_template(&u, NoticeKind::Received).await.unwrap(), "nothing left to reset");
        assert!(db.unit_templates(&u).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_chosen_channel_order_decides_the_channel_and_its_fallback() {
    on_both(|db| async move {
        let at = vn(2026, 11, 26, 9, 0);
        let mut c = common::creation("28777", at);
        c.new.applicant.email = Some("binh@example.vn".into());
        c.new.applicant.phone = Some("0912345678".into());
        let id: ApplicantId = c.new.applicant.id_number.clone();
        assert_eq!(db.channel_order(&id).await.unwrap(), None);
        db.set_channel_order(&id, &ChannelOrder::parse("zns,sms").unwrap(), at).await.unwrap();
        assert_eq!(db.channel_order(&id).await.unwrap().unwrap().as_string(), "zns,sms");
        let d = db.create(c, None::<NoFollowUp>).await.unwrap();
        let actor = officer(Role::IntakeOfficer, "28777");
        let (p, data) = (common::procedure("1.001193"), motcua_domain::calendar::CalendarData::vietnam());
        let cal = motcua_domain::calendar::WorkCalendar::new(&data, data.latest_version(), Default::default());
        let now = at + Duration::minutes(5);
        let cmd = motcua_domain::dossier::Command::Receive;
        db.execute(&d.code, &actor, now, |d| {
            let ctx = motcua_domain::dossier::Context { now, calendar: &cal, calendar_version: 0, procedure: &p };
            motcua_domain::dossier::decide(d, &actor, &cmd, &ctx)
        })
        .await
        .unwrap();
        let claimed = db.claim_notices(now, Duration::seconds(60), 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        let m = &claimed[0];
        assert_eq!((m.channel, m.recipient.as_str(), m.unit.as_deref()), (Channel::Zns, "84912345678", Some("28777")));
        let fail = motcua_domain::notify::outbox::NotifyOutcome::Failed { id: m.id, error: "-118".into(), at: now };
        db.record_notices(&[fail], 8).await.unwrap();
        let sent = db.notices(&d.code.to_string()).await.unwrap();
        let got: Vec<(Channel, &str)> = sent.iter().map(|s| (s.channel, s.status.as_str())).collect();
        assert_eq!(got, [(Channel::Zns, "failed"), (Channel::Sms, "queued")], "ZNS falls back to SMS");
        let again = db.claim_notices(now, Duration::seconds(60), 10).await.unwrap();
        assert_eq!(again[0].unit.as_deref(), Some("28777"), "the fallback keeps the unit");
    })
    .await;
}

#[tokio::test]
async fn answering_a_petition_queues_the_petitioners_notice_in_the_same_transaction() {
    on_both(|db| async move {
        let at = vn(2026, 11, 30, 9, 0);
        let form = PetitionForm {
            unit: "28777".into(),
            topic: "procedure".into(),
            title: "Đèn đường hỏng".into(),
            content: "Đèn đường hẻm 12 không sáng đã một tuần.".into(),
            name: "Phạm Thị Dung".into(),
            phone: "0912345678".into(),
            ..Default::default()
        };
        let submission = Petition::submission(form.check().unwrap(), at, &calendar(), &PaknDeadlines::default());
        let p =
            db.create_petition(PetitionCreation { submission, at, secret: SecretHash::of("bi-mat") }).await.unwrap();
        let code = p.code.to_string();
        assert!(db.notices(&code).await.unwrap().is_empty(), "submitting tells nothing");
        let cal = calendar();
        let me = officer(Role::Specialist, "28777");
        let cmd = PetitionCommand::Answer { answer: "Đã thay bóng đèn.".into() };
        let later = at + Duration::hours(3);
        db.execute_petition(&p.code, &me, later, |p| decide(p, &me, &cmd, later, &cal)).await.unwrap();
        let sent = db.notices(&code).await.unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(
            (sent[0].kind, sent[0].channel, sent[0].recipient.as_str()),
            (NoticeKind::PaknAnswered, Channel::Sms, "84912345678")
        );
        let m = db.claim_notices(later, Duration::seconds(60), 10).await.unwrap();
        assert_eq!(m[0].notice.params.get("answer").map(String::as_str), Some("Đã thay bóng đèn."));
        assert_eq!(m[0].key, format!("{code}:2:sms"));
        // A refused action writes no notice.
        let again = db.execute_petition(&p.code, &me, later, |p| decide(p, &me, &cmd, later, &cal)).await;
        assert!(again.is_err());
        assert_eq!(db.notices(&code).await.unwrap().len(), 1);
    })
    .await;
}
