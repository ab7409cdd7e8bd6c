//! Importing deputies and handling units from CSV and XLSX: checked first, all or nothing with
//! every problem on its line, accounts created with generated passwords that only the importing
//! administrator can read (once), updates on re-import, and the export reading back in.

use crate::support::*;
use app::auth::Role;
use app::sheet::{Cell, Sheet};
use http::StatusCode;

const UNITS: &str = "单位名称,类别,邮箱,操作员登录名,操作员姓名\n\
州住建局,政府部门,zjj@example.cn,zjj-li,李明\n\
州住建局,政府部门,zjj@example.cn,zjj-wang,王芳\n\
测试县人民政府,县市人民政府,,,\n";

async fn upload(
    app: &TestApp,
    admin: &str,
    kind: &str,
    dry_run: bool,
    name: &str,
    bytes: &[u8],
) -> TestResponse {
    let mut fields = vec![("kind", kind)];
    if dry_run {
        fields.push(("dry_run", "1"));
    }
    // As a browser's plain form: a good list answers with a redirect to the result.
    app.post_multipart(
        "/api/roster/upload",
        &fields,
        Some((name, bytes)),
        Some(admin),
        true,
    )
    .await
}

/// As the hydrated page's call: a refused list answers 422 with the reasons.
async fn refused(app: &TestApp, admin: &str, kind: &str, name: &str, bytes: &[u8]) -> TestResponse {
    let res = app
        .post_multipart(
            "/api/roster/upload",
            &[("kind", kind)],
            Some((name, bytes)),
            Some(admin),
            false,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res
}

/// The query of the redirect an import answers with.
fn redirect_query(res: &TestResponse) -> String {
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);
    let to = res.header("location").expect("a location");
    to.split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_default()
}

fn param(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(String::from))
}

#[tokio::test]
async fn units_and_operators_import_with_passwords_shown_once_to_their_importer() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    let units_before = app.count("select count(*) from unit").await;

    // Checked only: the summary, nothing written.
    let res = upload(&app, &admin, "units", true, "u.csv", UNITS.as_bytes()).await;
    let q = redirect_query(&res);
    assert_eq!(param(&q, "checked").as_deref(), Some("1"), "{q}");
    assert_eq!(param(&q, "created").as_deref(), Some("2"), "{q}");
    assert_eq!(param(&q, "passwords"), None);
    assert_eq!(app.count("select count(*) from unit").await, units_before);
    assert_eq!(
        app.count("select count(*) from account where role = 'unit'")
            .await,
        0
    );

    // Imported: two units, two operators who must change the generated password.
    let res = upload(&app, &admin, "units", false, "u.csv", UNITS.as_bytes()).await;
    let q = redirect_query(&res);
    assert_eq!(param(&q, "accounts").as_deref(), Some("2"), "{q}");
    let token = param(&q, "passwords").expect("a passwords token");
    assert_eq!(
        app.count("select count(*) from unit").await,
        units_before + 2
    );
    assert_eq!(
        app.count(
            "select count(*) from account a join unit_operator o on o.account_id = a.id \
             join unit u on u.id = o.unit_id where u.name = '州住建局' and a.must_change_password = 1"
        )
        .await,
        2
    );
    let res = app
        .post_form("/api/roster/passwords", &[("token", &token)], Some(&admin))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list: Vec<app::roster::InitialPassword> = serde_json::from_str(&res.body).unwrap();
    assert_eq!(list.len(), 2);
    let li = list.iter().find(|p| p.login == "zjj-li").unwrap();
    assert_eq!(li.detail, "州住建局");
    // The password works, once, and the account is sent to change it.
    let session = app.login_as("zjj-li", &li.password).await;
    let res = app.get("/unit", Some(&session)).await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);
    assert!(res.header("location").unwrap().starts_with("/account"));

    // Another administrator cannot read them; the importer can discard them.
    let other = app.login(Role::Admin).await;
    let res = app
        .post_form("/api/roster/passwords", &[("token", &token)], Some(&other))
        .await;
    assert_eq!(res.body, "[]");
    app.post_form("/api/roster/discard", &[("token", &token)], Some(&admin))
        .await;
    assert_eq!(app.count("select count(*) from roster_password").await, 0);

    // The same list again changes nothing and creates no account.
    let res = upload(&app, &admin, "units", false, "u.csv", UNITS.as_bytes()).await;
    let q = redirect_query(&res);
    assert_eq!(
        (
            param(&q, "created"),
            param(&q, "updated"),
            param(&q, "unchanged"),
            param(&q, "accounts"),
            param(&q, "passwords")
        ),
        (
            Some("0".into()),
            Some("0".into()),
            Some("2".into()),
            Some("0".into()),
            None
        )
    );

    // The export reads back in unchanged.
    let res = app.get("/admin/units.csv", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains("州住建局,政府部门,zjj@example.cn,zjj-li,李明"),
        "{}",
        res.body
    );
    let res = upload(&app, &admin, "units", false, "e.csv", res.body.as_bytes()).await;
    let q = redirect_query(&res);
    assert_eq!(param(&q, "created").as_deref(), Some("0"), "{q}");
    assert_eq!(param(&q, "updated").as_deref(), Some("0"), "{q}");
}

#[tokio::test]
async fn a_unit_list_with_problems_imports_nothing_and_names_every_line() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    let (committee_login, _) = app.account(Role::Committee).await;
    let list = format!(
        "单位名称,类别,邮箱,操作员登录名,操作员姓名\n\
         州水利局,政府部门,slj@example.cn,slj-1,赵一\n\
         州交通局,交通,,,\n\
         州教育局,政府部门,jyj@,,\n\
         州民政局,政府部门,,{committee_login},钱二\n"
    );
    let units_before = app.count("select count(*) from unit").await;
    let accounts_before = app.count("select count(*) from account").await;
    let res = refused(&app, &admin, "units", "bad.csv", list.as_bytes()).await;
    for part in [
        "未导入任何数据",
        "第 3 行：类别“交通”无效",
        "第 4 行：邮箱“jyj@”格式不对",
    ] {
        assert!(res.body.contains(part), "{part}: {}", res.body);
    }
    // The file-level problems stop before the database; fixing them shows the next ones.
    let fixed = list
        .replace(",交通,", ",政府部门,")
        .replace("jyj@", "jyj@example.cn");
    let res = refused(&app, &admin, "units", "bad.csv", fixed.as_bytes()).await;
    assert!(
        res.body.contains(&format!(
            "第 5 行：登录名“{committee_login}”已被其他账户（非承办单位操作员）使用"
        )),
        "{}",
        res.body
    );
    assert_eq!(app.count("select count(*) from unit").await, units_before);
    assert_eq!(
        app.count("select count(*) from account").await,
        accounts_before
    );
    // Not a table at all.
    let res = refused(
        &app,
        &admin,
        "units",
        "x.xls",
        b"\xD0\xCF\x11\xE0 old excel",
    )
    .await;
    assert!(res.body.contains("不支持旧版 Excel"), "{}", res.body);
    // No file chosen.
    let res = refused(&app, &admin, "units", "empty.csv", b"").await;
    assert!(res.body.contains("请选择要上传的"), "{}", res.body);
}

fn deputies_xlsx(rows: &[[&str; 4]]) -> Vec<u8> {
    app::sheet::write_xlsx(&[Sheet {
        name: "代表".into(),
        columns: ["登录名", "姓名", "层级", "代表之家"]
            .iter()
            .map(|h| (h.to_string(), 16.0))
            .collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::from(c.to_string())).collect())
            .collect(),
    }])
    .unwrap()
}

#[tokio::test]
async fn deputies_import_from_xlsx_into_their_stations_and_counties() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    // 州 / 县 / 乡: a deputy grouped into a township's station votes in its county.
    let prefecture = app.station("名单测试州").await;
    let county: i64 = sqlx::query_scalar(
        "insert into station (name, level, parent_id, region_code, email, active, created_at, updated_at) \
         values ('名单测试县', 2, $1, '', '', 1, 0, 0) returning id",
    )
    .bind(prefecture)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let township: i64 = sqlx::query_scalar(
        "insert into station (name, level, parent_id, region_code, email, active, created_at, updated_at) \
         values ('名单测试镇', 3, $1, '', '', 1, 0, 0) returning id",
    )
    .bind(county)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();

    let good = deputies_xlsx(&[
        [
            "dep-ma",
            "马建国",
            "州人大代表",
            "名单测试州/名单测试县/名单测试镇",
        ],
        ["dep-li", "李娜", "县市", "名单测试县"],
    ]);
    let res = upload(&app, &admin, "deputies", false, "d.xlsx", &good).await;
    let q = redirect_query(&res);
    assert_eq!(param(&q, "created").as_deref(), Some("2"), "{q}");
    let (station, level, county_of): (i64, String, i64) = sqlx::query_as(
        "select a.station_id, d.level, d.county_id from account a \
         join deputy d on d.account_id = a.id where a.name = 'dep-ma'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (station, level.as_str(), county_of),
        (township, "州", county)
    );

    // A changed level and station update the deputy; nothing else moves.
    let changed = deputies_xlsx(&[
        ["dep-ma", "马建国", "县市", "名单测试县"],
        ["dep-li", "李娜", "县市", "名单测试县"],
    ]);
    let res = upload(&app, &admin, "deputies", false, "d.xlsx", &changed).await;
    let q = redirect_query(&res);
    assert_eq!(
        (
            param(&q, "updated"),
            param(&q, "unchanged"),
            param(&q, "accounts")
        ),
        (Some("1".into()), Some("1".into()), Some("0".into())),
        "{q}"
    );
    let level: String = sqlx::query_scalar(
        "select d.level from deputy d join account a on a.id = d.account_id where a.name = 'dep-ma'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(level, "县市");

    // A list with an unknown station, a login of another role and a bad level: nothing.
    let (citizen, _) = app.account(Role::Citizen).await;
    let bad = deputies_xlsx(&[
        ["dep-new", "新代表", "乡镇", "名单测试镇"],
        ["dep-zhao", "赵强", "乡镇", "不存在的镇"],
        [&citizen, "钱多", "乡镇", "名单测试镇"],
    ]);
    let deputies_before = app.count("select count(*) from deputy").await;
    let res = refused(&app, &admin, "deputies", "d.xlsx", &bad).await;
    assert!(
        res.body.contains("第 3 行：代表之家“不存在的镇”不存在"),
        "{}",
        res.body
    );
    assert!(
        res.body.contains(&format!(
            "第 4 行：登录名“{citizen}”已被其他账户（非人大代表）使用"
        )),
        "{}",
        res.body
    );
    assert_eq!(
        app.count("select count(*) from deputy").await,
        deputies_before
    );
    assert_eq!(
        app.count("select count(*) from account where name = 'dep-new'")
            .await,
        0
    );
    let bad_level = deputies_xlsx(&[["dep-x", "某某", "省", "名单测试镇"]]);
    let res = refused(&app, &admin, "deputies", "d.xlsx", &bad_level).await;
    assert!(res.body.contains("第 2 行：层级“省”无效"), "{}", res.body);

    // The export names each deputy's station by its path, and imports back unchanged.
    let res = app.get("/admin/deputies.csv", Some(&admin)).await;
    assert!(
        res.body.contains("dep-li,李娜,县市,名单测试州/名单测试县"),
        "{}",
        res.body
    );
    let res = upload(
        &app,
        &admin,
        "deputies",
        false,
        "e.csv",
        res.body.as_bytes(),
    )
    .await;
    let q = redirect_query(&res);
    assert_eq!(param(&q, "updated").as_deref(), Some("0"), "{q}");
    assert_eq!(param(&q, "created").as_deref(), Some("0"), "{q}");
}
