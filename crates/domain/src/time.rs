//! Showing stored times (Unix milliseconds) the same way on the server and in the browser, so
//! hydration never sees two different strings.

/// `2026-11-24 20:31 UTC` for a Unix time in milliseconds.
pub fn format_utc(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        (rest % 3600) / 60
    )
}

/// A duration in whole minutes, rounded up: a 61-second lesson is "2 min", nothing shorter than
/// a second reads as "0 min", and a negative (corrupt) duration reads as none.
pub fn minutes_rounded_up(seconds: i64) -> i64 {
    let seconds = seconds.max(0);
    seconds / 60 + i64::from(seconds % 60 != 0)
}

/// The start (00:00 UTC, Unix ms) of a `YYYY-MM-DD` date, as date inputs send it; `None` for
/// anything else, including impossible dates such as `2026-02-30`.
pub fn parse_date_utc(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    (civil_from_days(days) == (year, month, day)).then_some(days * 86_400_000)
}

/// A proleptic Gregorian date to days since 1970-01-01 (the inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_552_260_000), "2026-11-24 20:31 UTC");
        assert_eq!(format_utc(-60_000), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn minutes_round_up() {
        for (seconds, minutes) in [
            (-5, 0),
            (0, 0),
            (1, 1),
            (59, 1),
            (60, 1),
            (61, 2),
            (3600, 60),
        ] {
            assert_eq!(minutes_rounded_up(seconds), minutes, "{seconds} s");
        }
        assert_eq!(minutes_rounded_up(i64::MAX), i64::MAX / 60 + 1);
    }

    #[test]
    fn dates_parse_to_the_start_of_their_day() {
        assert_eq!(parse_date_utc("1970-01-01"), Some(0));
        assert_eq!(parse_date_utc("2000-02-29"), Some(951_782_400_000));
        assert_eq!(
            parse_date_utc("2026-11-24").map(format_utc).as_deref(),
            Some("2026-11-24 00:00 UTC")
        );
        for bad in ["", "2026-02-30", "2026-13-01", "yesterday", "2026-1"] {
            assert_eq!(parse_date_utc(bad), None, "{bad}");
        }
    }
}
