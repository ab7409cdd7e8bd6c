//! Validating an opinion file (CSV or XLSX, from the template) row by row. No database: the
//! caller passes how to find a unit (which also says whether its part is open) and today's
//! date, and gets the valid rows and every problem with its row number.

use super::{parse_method, parse_stance, MAX_IMPORT_ROWS, MAX_RESIDENTS, MAX_TEXT_CHARS};
use crate::comment::ssr::normalize;
use crate::comment::Stance;
use crate::sheet::Records;
use crate::station::RowError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The template's columns, Chinese first; English names are accepted too.
pub const COLUMNS: [&str; 6] = [
    "条款",
    "意见类型",
    "意见内容",
    "收集方式",
    "代表人数",
    "收集日期",
];

fn column_of(header: &str) -> Option<usize> {
    Some(match header.trim().to_lowercase().as_str() {
        "条款" | "条文" | "unit" | "article" => 0,
        "意见类型" | "类型" | "态度" | "stance" => 1,
        "意见内容" | "意见" | "内容" | "text" => 2,
        "收集方式" | "方式" | "method" => 3,
        "代表人数" | "人数" | "residents" => 4,
        "收集日期" | "日期" | "date" => 5,
        _ => return None,
    })
}

/// Whether a first row is the template's header (enough of its columns).
pub fn is_header(cells: &[String]) -> bool {
    let found: Vec<usize> = cells.iter().filter_map(|c| column_of(c)).collect();
    [0, 1, 2].iter().all(|c| found.contains(c))
}

/// Resolves what was typed for a unit to (uid, label), or says why it cannot.
pub type FindUnit<'a> = &'a dyn Fn(&str) -> Result<(String, String), String>;

/// One valid row, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpinionRow {
    pub line: usize,
    pub opinion: Checked,
    /// Content digest plus the occurrence of the same content earlier in the file: the same
    /// file imported twice gives the same keys, two identical rows in one file different ones.
    pub import_key: String,
}

/// One opinion's fields, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub uid: String,
    pub label: String,
    pub stance: Stance,
    pub text: String,
    pub method: &'static str,
    pub residents: i64,
    pub collected_on: String,
}

/// Validates the fields of one opinion (the entry form and files use the same rules); every
/// problem as (field, message). `find` resolves what was typed for the unit to (uid, label) or
/// says why it cannot.
#[allow(clippy::too_many_arguments)]
pub fn check(
    unit: &str,
    stance: &str,
    text: &str,
    method: &str,
    residents: &str,
    date: &str,
    today: &str,
    find: FindUnit,
) -> Result<Checked, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let unit = unit.trim();
    let found = if unit.is_empty() {
        errors.push(("unit", "请填写条款，如 12 或 第十二条第二款".to_string()));
        None
    } else {
        match find(unit) {
            Ok(f) => Some(f),
            Err(e) => {
                errors.push(("unit", e));
                None
            }
        }
    };
    let stance = parse_stance(stance);
    if stance.is_none() {
        errors.push(("stance", "意见类型应为 赞成、反对 或 修改建议".into()));
    }
    let text = normalize(text);
    if text.is_empty() {
        errors.push(("text", "意见内容为空".into()));
    } else if text.chars().count() > MAX_TEXT_CHARS {
        errors.push(("text", format!("意见内容超过 {MAX_TEXT_CHARS} 字")));
    }
    let method = parse_method(method);
    if method.is_none() {
        errors.push((
            "method",
            "收集方式应为 座谈会、走访、意见箱、来信 或 电话".into(),
        ));
    }
    let residents_typed = residents.trim();
    let residents = if residents_typed.is_empty() {
        Some(1)
    } else {
        residents_typed
            .trim_end_matches('人')
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_RESIDENTS).contains(n))
    };
    if residents.is_none() {
        errors.push((
            "residents",
            format!("代表人数“{residents_typed}”无效：应为 1 至 {MAX_RESIDENTS} 的整数"),
        ));
    }
    let day = crate::draft::time::normalize_day(date);
    match &day {
        None => errors.push((
            "collected_on",
            format!("收集日期“{}”无效：应为 2026-12-05 这样的日期", date.trim()),
        )),
        Some(d) if d.as_str() > today => {
            errors.push(("collected_on", format!("收集日期 {d} 晚于今天")))
        }
        Some(d) if d.as_str() < "2000-01-01" => {
            errors.push(("collected_on", format!("收集日期 {d} 过早")))
        }
        _ => {}
    }
    match (found, stance, method, residents, day) {
        (Some((uid, label)), Some(stance), Some(method), Some(residents), Some(day))
            if errors.is_empty() =>
        {
            Ok(Checked {
                uid,
                label,
                stance,
                text,
                method,
                residents,
                collected_on: day,
            })
        }
        _ => Err(errors),
    }
}

/// Validates every data row of a file. Returns the valid rows and the problems (row number and
/// reason); a file-level problem (no header, too many rows) is one error with line 0.
pub fn parse(
    records: Records,
    today: &str,
    find: FindUnit,
) -> Result<(Vec<OpinionRow>, Vec<RowError>), RowError> {
    let file_error = |message: String| RowError { line: 0, message };
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(file_error("文件是空的".into()));
    };
    if !is_header(&header) {
        return Err(file_error(format!(
            "第一行应为模板的列名：{}（请下载模板填写）",
            COLUMNS.join("、")
        )));
    }
    let columns: Vec<Option<usize>> = header.iter().map(|h| column_of(h)).collect();
    let rows: Vec<(usize, Vec<String>)> = records.collect();
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(file_error(format!(
            "文件有 {} 行意见，一次最多导入 {MAX_IMPORT_ROWS} 行，请拆分成几个文件分别导入",
            rows.len()
        )));
    }
    let mut valid = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, cells) in rows {
        let get = |col: usize| -> &str {
            columns
                .iter()
                .position(|c| *c == Some(col))
                .and_then(|i| cells.get(i))
                .map(|s| s.as_str())
                .unwrap_or("")
        };
        match check(get(0), get(1), get(2), get(3), get(4), get(5), today, find) {
            Ok(c) => {
                let content = format!(
                    "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                    c.uid,
                    c.stance.as_str(),
                    c.text,
                    c.method,
                    c.residents,
                    c.collected_on
                );
                let n = seen.entry(content.clone()).or_insert(0);
                *n += 1;
                let import_key = hex::encode(Sha256::digest(format!("{content}\u{1f}{n}")));
                valid.push(OpinionRow {
                    line,
                    opinion: c,
                    import_key,
                });
            }
            Err(es) => errors.extend(
                es.into_iter()
                    .map(|(_, message)| RowError { line, message }),
            ),
        }
    }
    Ok((valid, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(u: &str) -> Result<(String, String), String> {
        match u {
            "12" | "第十二条" => Ok(("a12".into(), "第十二条".into())),
            "30" => Err("第三十条所在部分已截止征求意见".into()),
            _ => Err(format!("草案中没有“{u}”")),
        }
    }

    fn recs(rows: &[&[&str]]) -> Records {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn every_bad_row_is_reported_with_its_number_and_good_rows_pass() {
        let header: &[&str] = &[
            "条款",
            "意见类型",
            "意见内容",
            "收集方式",
            "代表人数",
            "收集日期",
        ];
        let (valid, errors) = parse(
            recs(&[
                header,
                &["12", "赞成", "很好", "座谈会", "15", "2026-11-20"],
                &["99", "赞成", "很好", "座谈会", "1", "2026-11-20"],
                &["30", "反对", "不好", "走访", "1", "2026/11/20"],
                &["12", "中立", "", "开会", "-3", "2026-02-30"],
                &["12", "修改建议", "改为二十度", "意见箱", "", "2027-01-01"],
                &[
                    "第十二条",
                    "赞成",
                    "很好",
                    "座谈会",
                    "15人",
                    "2026年11月20日",
                ],
            ]),
            "2026-11-27",
            &find,
        )
        .unwrap();
        assert_eq!(valid.len(), 2);
        assert_eq!((valid[0].line, valid[0].opinion.residents), (2, 15));
        // Same content twice: two opinions, different keys.
        assert_eq!(valid[1].opinion.collected_on, "2026-11-20");
        assert_ne!(valid[0].import_key, valid[1].import_key);
        let at = |line: usize| -> Vec<String> {
            errors
                .iter()
                .filter(|e| e.line == line)
                .map(|e| e.message.clone())
                .collect()
        };
        assert_eq!(at(3), vec!["草案中没有“99”"]);
        assert_eq!(at(4), vec!["第三十条所在部分已截止征求意见"]);
        assert_eq!(at(5).len(), 5, "{:?}", at(5));
        assert!(at(6)[0].contains("晚于今天"));
    }

    #[test]
    fn the_same_file_gives_the_same_keys_and_file_problems_are_line_zero() {
        let rows: &[&[&str]] = &[
            &["unit", "stance", "text", "method", "residents", "date"],
            &["12", "support", "好", "meeting", "1", "2026-11-01"],
        ];
        let a = parse(recs(rows), "2026-11-27", &find).unwrap().0;
        let b = parse(recs(rows), "2026-11-27", &find).unwrap().0;
        assert_eq!(a[0].import_key, b[0].import_key);
        let e = parse(recs(&[&["名称", "层级"]]), "2026-11-27", &find).unwrap_err();
        assert_eq!(e.line, 0);
        assert!(e.message.contains("条款"));
        let mut many = vec![vec!["条款", "意见类型", "意见内容"]];
        many.extend((0..MAX_IMPORT_ROWS + 1).map(|_| vec!["12", "赞成", "好"]));
        let many: Vec<&[&str]> = many.iter().map(|r| r.as_slice()).collect();
        let e = parse(recs(&many), "2026-11-27", &find).unwrap_err();
        assert!(e.message.contains("一次最多导入"), "{e}");
    }
}
