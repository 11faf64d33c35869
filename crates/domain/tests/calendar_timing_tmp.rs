use motcua_domain::calendar::*;
#[test]
fn timing() {
    let t = std::time::Instant::now();
    let data = CalendarData::vietnam();
    let a = t.elapsed();
    let t = std::time::Instant::now();
    let cal = WorkCalendar::new(&data, 0, WorkingHours::default());
    let b = t.elapsed();
    let t = std::time::Instant::now();
    let mut n = 0;
    for y in 1900..2200 {
        n += cal.exceptions(y).len();
    }
    let c = t.elapsed();
    // Giỗ Tổ coinciding with another holiday?
    for y in 1900..2200 {
        for d in cal.exceptions(y) {
            if d.reason.as_deref().is_some_and(|r| r.contains(';')) {
                println!("{d:?}");
            }
        }
    }
    println!("vietnam() {a:?}, new {b:?}, exceptions x300 {c:?} ({n})");
}
