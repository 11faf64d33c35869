//! The ten national dossier status codes (DVCQG vocabulary) and the submission channel.

use serde::{Deserialize, Serialize};

/// National dossier status (TrangThaiHoSo), DOMAIN.md §2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 1 Mới đăng ký: submitted online, not yet received.
    Submitted,
    /// 2 Được tiếp nhận.
    Received,
    /// 3 Không được tiếp nhận.
    Refused,
    /// 4 Đang xử lý.
    Processing,
    /// 5 Yêu cầu bổ sung giấy tờ.
    SupplementRequested,
    /// 6 Yêu cầu thực hiện nghĩa vụ tài chính.
    FinancialObligation,
    /// 7 Công dân yêu cầu rút hồ sơ.
    Withdrawn,
    /// 8 Dừng xử lý.
    Stopped,
    /// 9 Đã xử lý xong.
    Decided,
    /// 10 Đã trả kết quả.
    Returned,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::Received,
        Status::Refused,
        Status::Processing,
        Status::SupplementRequested,
        Status::FinancialObligation,
        Status::Withdrawn,
        Status::Stopped,
        Status::Decided,
        Status::Returned,
    ];

    /// The national numeric code, 1–10.
    pub fn code(self) -> u8 {
        Status::ALL.iter().position(|s| *s == self).map_or(0, |i| i as u8 + 1)
    }

    pub fn from_code(code: i64) -> Option<Status> {
        usize::try_from(code).ok().and_then(|c| c.checked_sub(1)).and_then(|i| Status::ALL.get(i).copied())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::Refused => "refused",
            Status::Processing => "processing",
            Status::SupplementRequested => "supplement_requested",
            Status::FinancialObligation => "financial_obligation",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
            Status::Decided => "decided",
            Status::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s || s.parse::<u8>().ok() == Some(x.code()))
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Status::Submitted => "Mới đăng ký",
            Status::Received => "Được tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Status::FinancialObligation => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Status::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Decided => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Status::Submitted => "Submitted",
            Status::Received => "Received",
            Status::Refused => "Refused",
            Status::Processing => "Processing",
            Status::SupplementRequested => "Supplement requested",
            Status::FinancialObligation => "Awaiting financial obligation",
            Status::Withdrawn => "Withdrawn",
            Status::Stopped => "Processing stopped",
            Status::Decided => "Decided",
            Status::Returned => "Result returned",
        }
    }

    /// No command leaves these.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Refused | Status::Withdrawn | Status::Stopped | Status::Returned)
    }

    /// The clock is stopped in these (provincial reports call 5, 6 and 8 "tạm dừng").
    pub fn is_paused(self) -> bool {
        matches!(self, Status::SupplementRequested | Status::FinancialObligation)
    }
}

/// How the dossier reached the center (KenhThucHien).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 1: in person at the counter.
    Counter,
    /// 2: online.
    Online,
    /// 3: public postal service.
    Post,
}

impl Channel {
    pub fn code(self) -> u8 {
        match self {
            Channel::Counter => 1,
            Channel::Online => 2,
            Channel::Post => 3,
        }
    }
    /// A missing or unknown channel counts as in person (766 rule).
    pub fn from_code(code: i64) -> Channel {
        match code {
            2 => Channel::Online,
            3 => Channel::Post,
            _ => Channel::Counter,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Counter => "counter",
            Channel::Online => "online",
            Channel::Post => "post",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "counter" | "1" => Some(Channel::Counter),
            "online" | "2" => Some(Channel::Online),
            "post" | "3" => Some(Channel::Post),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_national_ones() {
        assert_eq!(Status::Submitted.code(), 1);
        assert_eq!(Status::Returned.code(), 10);
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code() as i64), Some(s));
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::from_code(0), None);
        assert_eq!(Status::from_code(11), None);
    }
}
