//! Times as people in the prefecture read them (China Standard Time, UTC+8), to and from the
//! Unix milliseconds stored in the database. No time-zone database needed: China has one zone
//! and no daylight saving.

const OFFSET_MS: i64 = 8 * 3600 * 1000;

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD HH:MM` (as `<input type=datetime-local>`
/// sends it) in China Standard Time.
pub fn parse_local(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, t),
        None => (s, "00:00"),
    };
    let mut dp = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (dp.next()??, dp.next()??, dp.next()??);
    let mut tp = time.split(':').map(|p| p.parse::<i64>().ok());
    let (hh, mm) = (tp.next()??, tp.next().unwrap_or(Some(0))?);
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
        || !(0..24).contains(&hh)
        || !(0..60).contains(&mm)
    {
        return None;
    }
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return None; // 2月30日 and the like
    }
    Some((days * 86_400 + hh * 3600 + mm * 60) * 1000 - OFFSET_MS)
}

/// The calendar day `2026-12-31` in China Standard Time.
pub fn format_day(ms: i64) -> String {
    let (y, m, d) = civil_from_days((ms + OFFSET_MS).div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A calendar day as people write it — `2026-12-05`, `2026/12/5`, `2026.12.5`, `2026年12月5日`
/// — as `2026-12-05`; `None` when it is not a real day.
pub fn normalize_day(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('日');
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str| -> Option<i64> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    if !(1900..=9999).contains(&y) || civil_from_days(days_from_civil(y, m, d)) != (y, m, d) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The day of a spreadsheet date serial (days since 1899-12-30, as Excel and WPS store dates).
pub fn excel_day(serial: f64) -> String {
    let (y, m, d) = civil_from_days(days_from_civil(1899, 12, 30) + serial.floor() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-12-31 18:00` in China Standard Time.
pub fn format_local(ms: i64) -> String {
    let local = ms + OFFSET_MS;
    let secs = local.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        sod / 3600,
        (sod % 3600) / 60
    )
}

/// `2026-12-31T18:00` in China Standard Time: the value of a `datetime-local` field.
pub fn format_input(ms: i64) -> String {
    format_local(ms).replacen(' ', "T", 1)
}

/// The same moment `months` calendar months later, in China Standard Time; a day past the end
/// of the shorter month becomes its last day (a deadline of 30 November + 3 months is 28/29
/// February, never 2 March). The Deputies Law counts handling periods in months.
pub fn add_months(ms: i64, months: i64) -> i64 {
    let local = ms + OFFSET_MS;
    let days = local.div_euclid(86_400_000);
    let within = local.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + (m - 1) + months;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let mut nd = d;
    while nd > 28 && civil_from_days(days_from_civil(ny, nm, nd)) != (ny, nm, nd) {
        nd -= 1;
    }
    days_from_civil(ny, nm, nd) * 86_400_000 + within - OFFSET_MS
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_are_calendar_months() {
        let start = parse_local("2026-11-30T10:00").unwrap();
        assert_eq!(format_local(add_months(start, 3)), "2027-02-28 10:00");
        assert_eq!(format_local(add_months(start, 6)), "2027-05-30 10:00");
        let jan = parse_local("2027-01-15").unwrap();
        assert_eq!(format_day(add_months(jan, 12)), "2028-01-15");
    }

    use super::*;

    #[test]
    fn round_trips_in_china_time() {
        let ms = parse_local("2026-12-31T18:00").unwrap();
        assert_eq!(ms, 1_798_711_200_000);
        assert_eq!(format_local(ms), "2026-12-31 18:00");
        assert_eq!(format_day(ms), "2026-12-31");
        assert_eq!(
            format_day(parse_local("2027-01-01").unwrap() - 1),
            "2026-12-31"
        );
        assert_eq!(
            parse_local("2024-02-29"),
            Some(parse_local("2024-02-29 00:00").unwrap())
        );
        assert_eq!(parse_local("2026-02-30"), None);
        assert_eq!(parse_local("2026-13-01"), None);
        assert_eq!(parse_local("昨天"), None);
    }

    #[test]
    fn days_are_read_as_people_write_them() {
        for s in [
            "2026-12-05",
            "2026/12/5",
            "2026.12.05",
            "2026年12月5日",
            " 2026-12-5 ",
        ] {
            assert_eq!(normalize_day(s).as_deref(), Some("2026-12-05"), "{s}");
        }
        for s in [
            "2026-02-30",
            "2026-13-01",
            "12/05/2026",
            "昨天",
            "",
            "2026-12",
            "20261205",
        ] {
            assert_eq!(normalize_day(s), None, "{s}");
        }
        assert_eq!(excel_day(46361.0), "2026-12-05");
        assert_eq!(excel_day(46361.75), "2026-12-05");
    }
}
