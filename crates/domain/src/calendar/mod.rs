//! Vietnamese calendar: lunar dates, holidays as versioned data, working time and deadlines.
//!
//! - [`to_lunar`], [`from_lunar`]: civil ↔ lunar dates (Hồ Ngọc Đức's method at UTC+7).
//! - [`WorkingHours`]: a unit's office hours.
//! - [`CalendarData`]: statutory rules, announced schedules and versioned [`Amendment`]s.
//! - [`WorkCalendar`]: working days and working time at one amendment version.
//! - [`WorkCalendar::due`], [`WorkCalendar::resume_due`], [`WorkCalendar::classify`]: deadlines.

mod deadline;
mod holidays;
mod hours;
mod lunar;
mod schedule;
mod statutory;
mod validation;
mod working;

pub use deadline::Timeliness;
pub use holidays::{
    Amendment, AnnouncedDay, Announcement, ByWeekday, CalendarData, CalendarDataError, Compensatory, HolidayRule,
    RuleDate, WeeklyRest,
};
pub use hours::{InvalidWorkingHours, WorkingHours};
pub use lunar::{LunarDate, from_lunar, to_lunar};
pub use statutory::*;
pub use working::{DayInfo, WorkCalendar, from_local, to_local};
