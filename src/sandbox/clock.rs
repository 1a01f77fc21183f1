//! Date-times in the form the live service writes them (`2026-11-30T10:15:02.118Z`).

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

const MILLIS_UTC: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// How long the live service says a response stays valid (`ttl`), and how long a shop token
/// lives; neither is documented, both are about half an hour in the published examples.
pub(crate) const HALF_AN_HOUR: Duration = Duration::minutes(30);

/// RFC 3339 in UTC with milliseconds.
pub(crate) fn format(moment: OffsetDateTime) -> String {
    // Formatting a UTC date-time with this fixed description cannot fail; the fallback
    // keeps the function total.
    moment
        .to_offset(time::UtcOffset::UTC)
        .format(MILLIS_UTC)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000Z"))
}

/// Now plus `offset`, formatted.
pub(crate) fn from_now(offset: Duration) -> String {
    format(OffsetDateTime::now_utc() + offset)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn writes_millisecond_utc() {
        assert_eq!(
            format(datetime!(2026-11-30 10:15:02.118_4 +02:00)),
            "2026-11-30T08:15:02.118Z"
        );
        let later = from_now(HALF_AN_HOUR);
        assert!(
            time::OffsetDateTime::parse(&later, &time::format_description::well_known::Rfc3339)
                .is_ok()
        );
    }
}
