//! Dates as people type them: ISO, numeric with any common separator, or with a month name in
//! English or Spanish ("14 March 1987", "March 14, 1987", "14 de marzo de 1987").
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::text::fold;

/// How to read an ambiguous numeric date such as 03/04/1987 (a clinic setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub enum DateOrder {
    #[default]
    DayFirst,
    MonthFirst,
}

const MONTHS: [(&str, u32); 30] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("sept", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("ene", 1),
    ("abr", 4),
    ("ago", 8),
    ("dic", 12),
];

fn month_name(tok: &str) -> Option<u32> {
    if let Some(&(_, m)) = MONTHS.iter().find(|(n, _)| *n == tok) {
        return Some(m);
    }
    // Three-letter abbreviations ("mar", "oct") are prefixes of the full names.
    if tok.len() == 3 {
        return MONTHS
            .iter()
            .find(|(n, _)| n.starts_with(tok))
            .map(|&(_, m)| m);
    }
    None
}

/// Two-digit years pivot on today: "87" is 1987, "05" is 2005 when today is later than 2005.
fn full_year(y: u32, digits: usize, today: NaiveDate) -> Option<i32> {
    match digits {
        4 => i32::try_from(y).ok(),
        2 => {
            let this = today.year().rem_euclid(100) as u32;
            let century = today.year() - today.year().rem_euclid(100);
            let y = y as i32;
            Some(if y as u32 <= this {
                century + y
            } else {
                century - 100 + y
            })
        }
        _ => None,
    }
}

fn strip_ordinal(tok: &str) -> &str {
    for suffix in ["st", "nd", "rd", "th", "º", "o"] {
        if let Some(n) = tok.strip_suffix(suffix) {
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
                return n;
            }
        }
    }
    tok
}

/// Parses a typed date; range checks (future, age) are the caller's.
pub fn parse_date(input: &str, order: DateOrder, today: NaiveDate) -> Option<NaiveDate> {
    let folded = fold(input);
    let cleaned: String = folded
        .chars()
        .map(|c| {
            if matches!(c, '/' | '-' | '.' | ',') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let tokens: Vec<&str> = cleaned
        .split_whitespace()
        .filter(|t| !matches!(*t, "de" | "del" | "of" | "the"))
        .map(strip_ordinal)
        .collect();
    if tokens.len() != 3 {
        return None;
    }
    let month_pos = tokens.iter().position(|t| month_name(t).is_some());
    let nums: Vec<(u32, usize)> = tokens
        .iter()
        .filter(|t| t.chars().all(|c| c.is_ascii_digit()))
        .filter_map(|t| t.parse().ok().map(|n| (n, t.len())))
        .collect();
    if let Some(pos) = month_pos {
        let month = month_name(tokens[pos])?;
        if nums.len() != 2 {
            return None;
        }
        // Year is whichever number is written with four digits, else the last one.
        let (day, year) = if nums[0].1 == 4 {
            (nums[1], nums[0])
        } else {
            (nums[0], nums[1])
        };
        return NaiveDate::from_ymd_opt(full_year(year.0, year.1, today)?, month, day.0);
    }
    if nums.len() != 3 {
        return None;
    }
    let [a, b, c] = [nums[0], nums[1], nums[2]];
    if a.1 == 4 {
        return NaiveDate::from_ymd_opt(i32::try_from(a.0).ok()?, b.0, c.0);
    }
    let year = full_year(c.0, c.1, today)?;
    // A part above 12 can only be the day, whatever the clinic's setting says.
    let (day, month) = match order {
        _ if a.0 > 12 => (a.0, b.0),
        _ if b.0 > 12 => (b.0, a.0),
        DateOrder::DayFirst => (a.0, b.0),
        DateOrder::MonthFirst => (b.0, a.0),
    };
    NaiveDate::from_ymd_opt(year, month, day)
}
