//! Reading and checking deputy and unit lists (CSV or XLSX) without the database: columns by
//! their Chinese or English names, every problem reported with its line, nothing usable unless
//! the whole file is.

use crate::station::RowError;
use crate::suggestion::LEVELS;
use std::collections::HashMap;

/// Most rows a list may have (a prefecture has a few thousand deputies of all levels).
pub const MAX_ROWS: usize = 20_000;

/// A handling unit's line, optionally with one of its operators (a unit with two operators
/// takes two lines, the unit's columns repeated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitLine {
    pub line: usize,
    pub name: String,
    /// `department`, `government`, `court` or `procuratorate`.
    pub kind: &'static str,
    pub email: String,
    /// Empty when the line names no operator.
    pub operator_login: String,
    pub operator_name: String,
}

/// A deputy's line: the account, the level and the station they are grouped into (编组入家).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeputyLine {
    pub line: usize,
    pub login: String,
    pub name: String,
    pub level: String,
    /// The station's name, its path from the top (州/县/乡) or its number.
    pub station: String,
}

fn unit_column(header: &str) -> Option<&'static str> {
    Some(match normalise_header(header).as_str() {
        "name" | "unit" | "名称" | "单位" | "单位名称" | "承办单位" => "name",
        "kind" | "type" | "类别" | "单位类别" | "类型" => "kind",
        "email" | "邮箱" | "电子邮箱" | "接收邮箱" => "email",
        "operator_login" | "login" | "操作员登录名" | "登录名" => "operator_login",
        "operator_name" | "operator" | "操作员姓名" | "操作员" | "姓名" => {
            "operator_name"
        }
        _ => return None,
    })
}

fn deputy_column(header: &str) -> Option<&'static str> {
    Some(match normalise_header(header).as_str() {
        "login" | "登录名" | "账号" | "帐号" => "login",
        "name" | "姓名" | "代表姓名" => "name",
        "level" | "层级" | "代表层级" | "级别" => "level",
        "station" | "代表之家" | "编组" | "编组站点" | "所在代表之家" | "联系点" => {
            "station"
        }
        _ => return None,
    })
}

/// People write headers with spaces, full-width brackets and notes (“层级（全国/州…）”).
fn normalise_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    let h = h.split(['(', '（']).next().unwrap_or(h);
    h.trim().to_lowercase()
}

/// The unit kinds as people write them.
pub fn parse_kind(v: &str) -> Option<&'static str> {
    Some(match v.trim() {
        "" | "department" | "部门" | "政府部门" | "州直部门" => "department",
        "government" | "政府" | "县市人民政府" | "人民政府" | "县市政府" => {
            "government"
        }
        "court" | "法院" | "人民法院" => "court",
        "procuratorate" | "检察院" | "人民检察院" => "procuratorate",
        _ => return None,
    })
}

/// The deputy levels as people write them (全国人大代表 → 全国).
pub fn parse_level(v: &str) -> Option<&'static str> {
    let v = v
        .trim()
        .trim_end_matches("人大代表")
        .trim_end_matches("代表");
    let v = match v {
        "全国人大" | "国家" => "全国",
        "区" | "自治区人大" => "自治区",
        "自治州" | "州人大" => "州",
        "县" | "市" | "县级" | "县市人大" => "县市",
        "乡" | "镇" | "乡镇人大" => "乡镇",
        v => v,
    };
    LEVELS.iter().copied().find(|l| *l == v)
}

fn plausible_email(e: &str) -> bool {
    crate::station::csv::plausible_email(e)
}

/// Columns by role, and a getter of one line's cell.
struct Columns(Vec<Option<&'static str>>);

impl Columns {
    fn get(&self, rec: &[String], col: &str) -> String {
        self.0
            .iter()
            .position(|c| *c == Some(col))
            .and_then(|i| rec.get(i))
            // A cell our own export guarded against formulas reads back as written.
            .map(|v| crate::sheet::unguard_cell(v.trim()).to_string())
            .unwrap_or_default()
    }
}

fn split_header(
    recs: &[(usize, Vec<String>)],
    column: fn(&str) -> Option<&'static str>,
    required: &[(&str, &str)],
    example: &str,
) -> Result<Columns, Vec<RowError>> {
    let file_error = |message: String| vec![RowError { line: 0, message }];
    let Some((_, header)) = recs.first() else {
        return Err(file_error("文件是空的".into()));
    };
    let columns = Columns(header.iter().map(|h| column(h)).collect());
    let missing: Vec<&str> = required
        .iter()
        .filter(|(key, _)| !columns.0.contains(&Some(*key)))
        .map(|(_, label)| *label)
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!(
            "缺少列：{}。第一行应为列名，如 {example}",
            missing.join("、")
        )));
    }
    if recs.len() == 1 {
        return Err(file_error("文件只有列名，没有数据".into()));
    }
    Ok(columns)
}

fn read(
    bytes: &[u8],
    sheet: &str,
    column: fn(&str) -> Option<&'static str>,
) -> Result<Vec<(usize, Vec<String>)>, Vec<RowError>> {
    crate::sheet::read_table(bytes, sheet, crate::sheet::Limits::rows(MAX_ROWS), |h| {
        h.iter().filter(|c| column(c).is_some()).count() >= 2
    })
    .map_err(|e| vec![e])
}

/// Reads a unit list (worksheet 承办单位, or the first sheet). CPU-bound.
pub fn parse_units(bytes: &[u8]) -> Result<Vec<UnitLine>, Vec<RowError>> {
    units_from_records(&read(bytes, "承办单位", unit_column)?)
}

/// Reads a deputy list (worksheet 代表, or the first sheet). CPU-bound.
pub fn parse_deputies(bytes: &[u8]) -> Result<Vec<DeputyLine>, Vec<RowError>> {
    deputies_from_records(&read(bytes, "代表", deputy_column)?)
}

pub fn units_from_records(recs: &[(usize, Vec<String>)]) -> Result<Vec<UnitLine>, Vec<RowError>> {
    let columns = split_header(
        recs,
        unit_column,
        &[("name", "单位名称")],
        "单位名称, 类别, 邮箱, 操作员登录名, 操作员姓名",
    )?;
    let mut errors = Vec::new();
    let mut out: Vec<UnitLine> = Vec::new();
    // The first line of each unit (its kind and e-mail must agree on every line) and of each
    // operator login (one login, one account).
    let mut unit_first: HashMap<String, usize> = HashMap::new();
    let mut login_first: HashMap<String, usize> = HashMap::new();
    for (line, rec) in &recs[1..] {
        let line = *line;
        let mut err = |m: String| errors.push(RowError { line, message: m });
        let name = columns.get(rec, "name");
        if name.is_empty() {
            err("单位名称为空".into());
            continue;
        }
        if name.chars().count() > 100 {
            err(format!("单位名称“{name}”超过 100 个字"));
            continue;
        }
        let kind_text = columns.get(rec, "kind");
        let Some(kind) = parse_kind(&kind_text) else {
            err(format!(
                "类别“{kind_text}”无效：应为 政府部门、县市人民政府、人民法院 或 人民检察院"
            ));
            continue;
        };
        let email = columns.get(rec, "email");
        if !email.is_empty() && !plausible_email(&email) {
            err(format!("邮箱“{email}”格式不对"));
            continue;
        }
        let operator_login = columns.get(rec, "operator_login");
        let operator_name = columns.get(rec, "operator_name");
        if operator_login.is_empty() != operator_name.is_empty() {
            err("操作员登录名和姓名须同时填写（或都不填）".into());
            continue;
        }
        if !operator_login.is_empty() {
            if let Some(p) = crate::account::login_name_problem(&operator_login) {
                err(format!("操作员登录名“{operator_login}”无效：{p}"));
                continue;
            }
            if operator_name.chars().count() > 64 {
                err("操作员姓名超过 64 个字".into());
                continue;
            }
            if let Some(first) = login_first.get(&operator_login.to_lowercase()) {
                err(format!("操作员登录名“{operator_login}”与第 {first} 行重复"));
                continue;
            }
            login_first.insert(operator_login.to_lowercase(), line);
        }
        if let Some(first) = unit_first.get(&name) {
            let earlier = out.iter().find(|u| u.line == *first);
            if let Some(e) = earlier {
                if e.kind != kind || e.email != email {
                    err(format!(
                        "单位“{name}”在第 {first} 行的类别或邮箱与本行不同，请统一"
                    ));
                    continue;
                }
            }
        } else {
            unit_first.insert(name.clone(), line);
        }
        out.push(UnitLine {
            line,
            name,
            kind,
            email,
            operator_login,
            operator_name,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub fn deputies_from_records(
    recs: &[(usize, Vec<String>)],
) -> Result<Vec<DeputyLine>, Vec<RowError>> {
    let columns = split_header(
        recs,
        deputy_column,
        &[
            ("login", "登录名"),
            ("name", "姓名"),
            ("level", "层级"),
            ("station", "代表之家"),
        ],
        "登录名, 姓名, 层级, 代表之家",
    )?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut login_first: HashMap<String, usize> = HashMap::new();
    for (line, rec) in &recs[1..] {
        let line = *line;
        let mut problems = Vec::new();
        let login = columns.get(rec, "login");
        if let Some(p) = crate::account::login_name_problem(&login) {
            problems.push(if login.is_empty() {
                "登录名为空".to_string()
            } else {
                format!("登录名“{login}”无效：{p}")
            });
        } else if let Some(first) = login_first.get(&login.to_lowercase()) {
            problems.push(format!("登录名“{login}”与第 {first} 行重复"));
        } else {
            login_first.insert(login.to_lowercase(), line);
        }
        let name = columns.get(rec, "name");
        if name.is_empty() || name.chars().count() > 64 {
            problems.push("姓名为空或超过 64 个字".into());
        }
        let level_text = columns.get(rec, "level");
        let level = parse_level(&level_text);
        if level.is_none() {
            problems.push(format!(
                "层级“{level_text}”无效：应为 全国、自治区、州、县市 或 乡镇"
            ));
        }
        let station = columns.get(rec, "station");
        if station.is_empty() {
            problems.push("代表之家为空：每位代表须编入一个代表之家".into());
        }
        if !problems.is_empty() {
            errors.push(RowError {
                line,
                message: problems.join("；"),
            });
            continue;
        }
        out.push(DeputyLine {
            line,
            login,
            name,
            level: level.unwrap_or_default().to_string(),
            station,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A password to hand out on paper: 14 characters in three groups of letters and digits that
/// cannot be confused when read (no 0/O, 1/l/I), about 68 bits of entropy. The account must
/// change it at first login.
pub fn initial_password(random: &[u8; 14]) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut out = String::with_capacity(16);
    for (i, b) in random.iter().enumerate() {
        if i == 5 || i == 10 {
            out.push('-');
        }
        out.push(ALPHABET[*b as usize % ALPHABET.len()] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn recs(lines: &[&[&str]]) -> Vec<(usize, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn units_with_operators_on_repeated_lines() {
        let r = recs(&[
            &["单位名称", "类别", "邮箱", "操作员登录名", "操作员姓名"],
            &["州住建局", "政府部门", "zjj@example.cn", "zjj-li", "李明"],
            &["州住建局", "政府部门", "zjj@example.cn", "zjj-wang", "王芳"],
            &["昌吉市人民政府", "县市人民政府", "", "", ""],
        ]);
        let units = units_from_records(&r).unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].kind, "department");
        assert_eq!(units[2].kind, "government");
        assert_eq!(units[1].operator_login, "zjj-wang");
    }

    #[test]
    fn unit_problems_name_their_lines() {
        let r = recs(&[
            &["name", "kind", "email", "operator_login", "operator_name"],
            &["", "", "", "", ""],
            &["州水利局", "水务", "", "", ""],
            &["州交通局", "", "jt@", "", ""],
            &["州教育局", "", "", "jy-zhao", ""],
            &["州卫健委", "", "", "a b", "赵"],
            &["州住建局", "", "a@b.cn", "", ""],
            &["州住建局", "", "c@d.cn", "", ""],
            &["州民政局", "", "", "zj", "甲"],
            &["州财政局", "", "", "ZJ", "乙"],
        ]);
        let errors = units_from_records(&r).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        // (Blank lines never reach here from a file: the reader leaves them out.)
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 8, 10], "{errors:?}");
        assert!(errors[1].message.contains("类别“水务”无效"));
        assert!(errors[5]
            .message
            .contains("在第 7 行的类别或邮箱与本行不同"));
        assert!(errors[6]
            .to_string()
            .contains("第 10 行：操作员登录名“ZJ”与第 9 行重复"));
    }

    #[test]
    fn deputy_lines_accept_written_levels_and_report_all_problems_of_a_line() {
        let r = recs(&[
            &[
                "登录名",
                "姓名",
                "层级（全国/自治区/州/县市/乡镇）",
                "代表之家",
            ],
            &["dep-ma", "马建国", "州人大代表", "昌吉市/宁边路街道"],
            &["dep-li", "李娜", "全国人大代表", "12"],
            &["李四", "", "省", ""],
            &["DEP-MA", "马建", "州", "昌吉市"],
        ]);
        let errors = deputies_from_records(&r).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, 4);
        for part in [
            "登录名“李四”无效",
            "姓名为空",
            "层级“省”无效",
            "代表之家为空",
        ] {
            assert!(errors[0].message.contains(part), "{}", errors[0].message);
        }
        assert!(errors[1].message.contains("与第 2 行重复"));
        let ok = deputies_from_records(&r[..3]).unwrap();
        assert_eq!(ok[0].level, "州");
        assert_eq!(ok[1].level, "全国");
    }

    #[test]
    fn missing_columns_and_empty_files_are_refused() {
        let e = deputies_from_records(&recs(&[&["登录名", "姓名"]])).unwrap_err();
        assert!(e[0].message.contains("缺少列：层级、代表之家"), "{e:?}");
        let e = units_from_records(&recs(&[&["单位名称"]])).unwrap_err();
        assert!(e[0].message.contains("没有数据"));
        assert!(parse_units(b"").is_err());
    }

    #[test]
    fn a_gbk_csv_as_excel_saves_it_reads() {
        let (bytes, _, _) =
            encoding_rs::GBK.encode("登录名,姓名,层级,代表之家\r\ndep-ma,马建国,州,昌吉市\r\n");
        let d = parse_deputies(&bytes).unwrap();
        assert_eq!(d[0].name, "马建国");
        assert_eq!(d[0].station, "昌吉市");
    }

    proptest! {
        #[test]
        fn initial_passwords_are_readable_and_long(bytes in proptest::array::uniform14(any::<u8>())) {
            let p = initial_password(&bytes);
            prop_assert_eq!(p.chars().count(), 16);
            prop_assert!(p.chars().all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"0o1lI".contains(c))));
            prop_assert!(crate::account::password_problem(&p).is_none());
        }

        #[test]
        fn parsing_never_panics_and_reports_lines_in_the_file(cells in proptest::collection::vec(proptest::collection::vec(".{0,8}", 4), 1..20)) {
            let mut r = vec![(1usize, vec!["登录名".to_string(), "姓名".into(), "层级".into(), "代表之家".into()])];
            r.extend(cells.into_iter().enumerate().map(|(i, c)| (i + 2, c)));
            let n = r.len();
            if let Err(errors) = deputies_from_records(&r) {
                prop_assert!(errors.iter().all(|e| e.line >= 2 && e.line <= n));
            }
        }
    }
}
