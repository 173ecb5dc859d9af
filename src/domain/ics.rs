//! iCalendar (RFC 5545) feeds, so trainees can subscribe to their class days
//! in Google Calendar, Outlook or an iPhone.
//!
//! Only the little we need is written, by hand: a calendar of events in
//! Japan time. Every text value comes from staff or users, so it is cleaned
//! and escaped before it goes near a content line.

use chrono::{DateTime, FixedOffset, Utc};

/// Japan has kept UTC+9 without daylight saving since 1951, so a fixed
/// offset gives the same local times as the tz database for any course.
const JST_SECONDS: i32 = 9 * 3600;

/// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the
/// line break.
const MAX_LINE_OCTETS: usize = 75;

/// One class day, session or symposium programme item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable across updates, so calendars replace the event instead of
    /// adding a copy.
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    /// Bumped on every change that matters to attendees.
    pub sequence: i32,
    /// Cancelled events stay in the feed so subscribed calendars remove them.
    pub cancelled: bool,
    pub updated_at: DateTime<Utc>,
}

/// A complete `text/calendar` document with CRLF line endings.
pub fn calendar(name: &str, events: &[IcsEvent]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kouza//kouza//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    for line in [
        "X-WR-TIMEZONE:Asia/Tokyo",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Tokyo",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "TZNAME:JST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        push_line(&mut out, line);
    }
    for event in events {
        push_event(&mut out, event);
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

fn push_event(out: &mut String, event: &IcsEvent) {
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{}", escape_text(&event.uid)));
    push_line(out, &format!("DTSTAMP:{}", utc_stamp(event.updated_at)));
    push_line(
        out,
        &format!("DTSTART;TZID=Asia/Tokyo:{}", tokyo_local(event.starts_at)),
    );
    push_line(
        out,
        &format!("DTEND;TZID=Asia/Tokyo:{}", tokyo_local(event.ends_at)),
    );
    push_line(out, &format!("SUMMARY:{}", escape_text(&event.summary)));
    if let Some(location) = &event.location {
        push_line(out, &format!("LOCATION:{}", escape_text(location)));
    }
    if let Some(description) = &event.description {
        push_line(out, &format!("DESCRIPTION:{}", escape_text(description)));
    }
    // SEQUENCE is a non-negative integer; clients reject the whole feed
    // over a negative one.
    push_line(out, &format!("SEQUENCE:{}", event.sequence.max(0)));
    let status = if event.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    push_line(out, &format!("STATUS:{status}"));
    push_line(
        out,
        &format!("LAST-MODIFIED:{}", utc_stamp(event.updated_at)),
    );
    push_line(out, "END:VEVENT");
}

/// A TEXT value (RFC 5545 §3.3.11) that cannot break out of its property.
///
/// Line breaks become the escape `\n`, which clients show as a new line
/// inside the value. CR and every other control character are dropped:
/// a raw line break would let `"\r\nATTENDEE:..."` in a title add a
/// property of its own, and the rest have no place in calendar text.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded after 75 octets and ended by CRLF.
///
/// A fold is CRLF plus one space, and the space counts towards the next
/// line's 75 octets. We fold between characters, never inside one: a
/// multi-byte character split across lines shows up as mojibake in
/// clients that decode each physical line on its own.
fn push_line(out: &mut String, line: &str) {
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// `20260406T003000Z`
fn utc_stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `20260406T093000`, the wall-clock time in Tokyo.
fn tokyo_local(at: DateTime<Utc>) -> String {
    let jst = FixedOffset::east_opt(JST_SECONDS).expect("+09:00 is a valid offset");
    at.with_timezone(&jst).format("%Y%m%dT%H%M%S").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn event() -> IcsEvent {
        IcsEvent {
            uid: "session-42@kouza".into(),
            // 09:30–16:30 in Tokyo.
            starts_at: utc(2026, 4, 6, 0, 30),
            ends_at: utc(2026, 4, 6, 7, 30),
            summary: "介護職員初任者研修 第1回".into(),
            location: Some("北区事業所 2階研修室".into()),
            description: Some("持ち物: 筆記用具".into()),
            sequence: 2,
            cancelled: false,
            updated_at: utc(2026, 3, 1, 12, 0),
        }
    }

    fn unfold(ics: &str) -> String {
        ics.replace("\r\n ", "")
    }

    /// Logical lines after unfolding, without their CRLF.
    fn lines(ics: &str) -> Vec<String> {
        unfold(ics)
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    }

    fn property<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
        lines.iter().find_map(|l| l.strip_prefix(name))
    }

    #[test]
    fn the_calendar_header_and_time_zone_come_first() {
        let ics = calendar("北区 ヘルパー講座", &[]);
        let expected = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//kouza//kouza//JA",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:北区 ヘルパー講座",
            "X-WR-TIMEZONE:Asia/Tokyo",
            "BEGIN:VTIMEZONE",
            "TZID:Asia/Tokyo",
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            "TZOFFSETFROM:+0900",
            "TZOFFSETTO:+0900",
            "TZNAME:JST",
            "END:STANDARD",
            "END:VTIMEZONE",
            "END:VCALENDAR",
        ];
        assert_eq!(lines(&ics), expected);
    }

    #[test]
    fn an_event_has_every_property_with_times_in_tokyo() {
        let ics = calendar("講座", &[event()]);
        let all = lines(&ics);
        let begin = all.iter().position(|l| l == "BEGIN:VEVENT").unwrap();
        let end = all.iter().position(|l| l == "END:VEVENT").unwrap();
        assert_eq!(
            &all[begin..=end],
            [
                "BEGIN:VEVENT",
                "UID:session-42@kouza",
                "DTSTAMP:20260301T120000Z",
                "DTSTART;TZID=Asia/Tokyo:20260406T093000",
                "DTEND;TZID=Asia/Tokyo:20260406T163000",
                "SUMMARY:介護職員初任者研修 第1回",
                "LOCATION:北区事業所 2階研修室",
                "DESCRIPTION:持ち物: 筆記用具",
                "SEQUENCE:2",
                "STATUS:CONFIRMED",
                "LAST-MODIFIED:20260301T120000Z",
                "END:VEVENT",
            ]
        );
        assert_eq!(all.last().unwrap(), "END:VCALENDAR");
    }

    #[test]
    fn an_evening_in_utc_is_the_next_morning_in_tokyo() {
        let mut e = event();
        e.starts_at = utc(2026, 12, 31, 15, 0);
        e.ends_at = utc(2026, 12, 31, 18, 0);
        let all = lines(&calendar("講座", &[e]));
        assert_eq!(
            property(&all, "DTSTART;TZID=Asia/Tokyo:"),
            Some("20270101T000000")
        );
        assert_eq!(
            property(&all, "DTEND;TZID=Asia/Tokyo:"),
            Some("20270101T030000")
        );
    }

    #[test]
    fn a_cancelled_event_stays_in_the_feed_marked_cancelled() {
        let mut e = event();
        e.cancelled = true;
        e.sequence = 3;
        let all = lines(&calendar("講座", &[e]));
        assert_eq!(property(&all, "STATUS:"), Some("CANCELLED"));
        assert_eq!(property(&all, "SEQUENCE:"), Some("3"));
    }

    #[test]
    fn missing_location_and_description_are_left_out() {
        let mut e = event();
        e.location = None;
        e.description = None;
        let all = lines(&calendar("講座", &[e]));
        assert_eq!(property(&all, "LOCATION"), None);
        assert_eq!(property(&all, "DESCRIPTION"), None);
    }

    #[test]
    fn a_negative_sequence_is_written_as_zero() {
        let mut e = event();
        e.sequence = -1;
        let all = lines(&calendar("講座", &[e]));
        assert_eq!(property(&all, "SEQUENCE:"), Some("0"));
    }

    #[test]
    fn events_are_written_in_the_order_given() {
        let mut second = event();
        second.uid = "session-43@kouza".into();
        let all = lines(&calendar("講座", &[event(), second]));
        let uids: Vec<_> = all.iter().filter_map(|l| l.strip_prefix("UID:")).collect();
        assert_eq!(uids, ["session-42@kouza", "session-43@kouza"]);
    }

    #[test]
    fn every_line_ends_with_crlf_and_no_bare_line_feed_or_carriage_return_appears() {
        let mut e = event();
        e.description = Some("一行目\n二行目\r\n三行目\r四行目".into());
        let ics = calendar("講座", &[e]);
        assert!(ics.ends_with("\r\n"));
        let bytes = ics.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\n' => assert_eq!(bytes[i - 1], b'\r', "bare LF at {i}"),
                b'\r' => assert_eq!(bytes[i + 1], b'\n', "bare CR at {i}"),
                _ => {}
            }
        }
    }

    #[test]
    fn special_characters_in_text_are_escaped() {
        assert_eq!(escape_text(r"A\B; C, D"), r"A\\B\; C\, D",);
        assert_eq!(escape_text("一行目\n二行目"), r"一行目\n二行目");
        assert_eq!(escape_text("一行目\r\n二行目"), r"一行目\n二行目");
    }

    #[test]
    fn control_characters_other_than_newline_are_dropped() {
        assert_eq!(
            escape_text("a\u{0}b\u{7}c\td\u{1b}e\u{7f}f\u{85}g"),
            "abcdefg"
        );
    }

    #[test]
    fn a_line_break_in_a_summary_cannot_add_a_property() {
        let mut e = event();
        e.summary = "講座\r\nATTENDEE:evil".into();
        e.location = Some("会場\rORGANIZER:mailto:evil@example.com".into());
        e.description = Some("説明\nATTENDEE:evil".into());
        let ics = calendar("講座", &[e]);
        for line in lines(&ics) {
            assert!(!line.starts_with("ATTENDEE"), "{line}");
            assert!(!line.starts_with("ORGANIZER"), "{line}");
        }
        assert!(lines(&ics).contains(&r"SUMMARY:講座\nATTENDEE:evil".to_string()));
    }

    #[test]
    fn a_crafted_calendar_name_cannot_add_a_property_either() {
        let ics = calendar("名前\r\nBEGIN:VEVENT", &[]);
        assert_eq!(
            lines(&ics).iter().filter(|l| *l == "BEGIN:VEVENT").count(),
            0
        );
    }

    #[test]
    fn a_long_japanese_summary_is_folded_within_75_octets_and_unfolds_to_the_original() {
        let summary = "介護職員初任者研修（北区事業所・平日昼間コース）第12回：介護におけるコミュニケーション技術、老化の理解、認知症の理解".repeat(2);
        let mut e = event();
        e.summary = summary.clone();
        let ics = calendar("講座", &[e]);
        let physical: Vec<_> = ics.split("\r\n").collect();
        assert!(
            physical.iter().any(|l| l.starts_with(' ')),
            "nothing was folded"
        );
        for line in &physical {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let all = lines(&ics);
        assert_eq!(property(&all, "SUMMARY:").map(unescape), Some(summary));
    }

    #[test]
    fn folding_uses_the_whole_75_octets_of_ascii_lines() {
        let mut e = event();
        e.description = Some("x".repeat(200));
        let ics = calendar("講座", &[e]);
        let description: Vec<_> = ics
            .split("\r\n")
            .skip_while(|l| !l.starts_with("DESCRIPTION:"))
            .take_while(|l| !l.starts_with("SEQUENCE:"))
            .collect();
        assert_eq!(description[0].len(), 75);
        assert_eq!(description[1].len(), 75);
        assert!(description[1].starts_with(' '));
        assert_eq!(
            unfold(&description.join("\r\n")),
            format!("DESCRIPTION:{}", "x".repeat(200))
        );
    }

    #[test]
    fn a_line_of_exactly_75_octets_is_not_folded() {
        let mut out = String::new();
        push_line(&mut out, &"a".repeat(75));
        assert_eq!(out, format!("{}\r\n", "a".repeat(75)));
    }

    #[test]
    fn escaped_text_survives_a_round_trip() {
        let original = "会場: 北区, 2階; 奥\\手前\n地図あり";
        assert_eq!(unescape(&escape_text(original)), original);
    }
}
