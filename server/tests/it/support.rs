//! Test fixtures: a fresh database per test, the router over it, and request helpers.

use app::account::NewAccount;
use app::auth::Role;
use app::ssr::{db, Backend, Db, Settings};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use http::{HeaderMap, Request, StatusCode};
use std::net::SocketAddr;
use std::path::PathBuf;
use tower::ServiceExt;

pub const ORIGIN: &str = "http://yijian.test";
pub const HOST: &str = "yijian.test";

/// The `yijian` binary under test: cargo's build of it, or `YIJIAN_TEST_BIN` (a copy taken right
/// after the build, for machines where other checkouts share the target directory).
pub fn yijian_bin() -> PathBuf {
    std::env::var_os("YIJIAN_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_yijian")))
}

pub fn wants_postgres() -> bool {
    std::env::var("YIJIAN_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

fn pg_admin_url() -> String {
    std::env::var("YIJIAN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("{n:016x}")
}

/// A database URL for a brand-new, empty database of the backend under test.
pub async fn fresh_database_url() -> (String, Option<PathBuf>) {
    if wants_postgres() {
        let admin = db::connect(&pg_admin_url())
            .await
            .expect("PostgreSQL for tests is reachable");
        let name = format!("yj_t_{}", unique_suffix());
        sqlx::query(&format!("create database {name}"))
            .execute(&admin.pool)
            .await
            .expect("create test database");
        admin.pool.close().await;
        let base = url::Url::parse(&pg_admin_url()).expect("valid PG url");
        let mut u = base.clone();
        u.set_path(&format!("/{name}"));
        (u.to_string(), None)
    } else {
        let dir = std::env::temp_dir().join(format!("yijian-test-{}", unique_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        (
            format!("sqlite://{}", dir.join("t.db").display()),
            Some(dir),
        )
    }
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub url: String,
}

/// A fresh directory for files a test writes (search index, mail).
pub fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yijian-{what}-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as received (for binary downloads).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `name=value` of a Set-Cookie header for `name`, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or_default().to_string())
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_settings(Settings::default()).await
    }

    pub async fn with_settings(settings: Settings) -> TestApp {
        let (url, _dir) = fresh_database_url().await;
        Self::on_database(url, settings).await
    }

    /// Another server on this test's database (as several servers share one PostgreSQL).
    pub async fn another_server(&self, settings: Settings) -> TestApp {
        Self::on_database(self.url.clone(), settings).await
    }

    /// A server whose built site (static files, `pkg/assets.txt`) is in `site_root`.
    pub async fn with_site(settings: Settings, site_root: &str) -> TestApp {
        let (url, _dir) = fresh_database_url().await;
        Self::on_database_with_site(url, settings, site_root).await
    }

    async fn on_database(url: String, settings: Settings) -> TestApp {
        Self::on_database_with_site(url, settings, "target/site").await
    }

    async fn on_database_with_site(url: String, settings: Settings, site_root: &str) -> TestApp {
        let db = db::connect(&url).await.expect("open test database");
        db::migrate(&db).await.expect("migrate test database");
        let expected = if wants_postgres() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        assert_eq!(db.backend, expected);
        let state = server::run::app_state(
            db.clone(),
            server::run::leptos_options(site_root, "127.0.0.1:3000".parse().unwrap()),
            settings,
        )
        .await
        .expect("application state");
        TestApp {
            router: server::router(state),
            db,
            url,
        }
    }

    /// Creates an account and returns its login name and password.
    pub async fn account(&self, role: Role) -> (String, String) {
        let name = format!("{}-{}", role.as_str(), &unique_suffix()[..8]);
        let password = format!("pw-{name}-long");
        let station = if matches!(role, Role::Station | Role::Deputy) {
            Some(self.station("测试联系点").await.to_string())
        } else {
            None
        };
        let id = app::account::ssr::create_account(
            &self.db,
            &NewAccount {
                name: name.clone(),
                display_name: format!("测试{}", role.label()),
                role,
                station,
                password: password.clone(),
            },
        )
        .await
        .expect("create account");
        // Deputies are grouped into the test station (their county for 微实事); unit operators
        // work for the test unit.
        if role == Role::Deputy {
            sqlx::query(
                "insert into deputy (account_id, level, county_id) \
                 select id, '县市', station_id from account where id = $1",
            )
            .bind(id)
            .execute(&self.db.pool)
            .await
            .unwrap();
        }
        if role == Role::Unit {
            let unit = self.unit("测试承办单位").await;
            sqlx::query("insert into unit_operator (account_id, unit_id) values ($1, $2)")
                .bind(id)
                .bind(unit)
                .execute(&self.db.pool)
                .await
                .unwrap();
        }
        (name, password)
    }

    /// The id of a handling unit with this name, created if missing.
    pub async fn unit(&self, name: &str) -> i64 {
        if let Some(id) = sqlx::query_scalar::<_, i64>("select id from unit where name = $1")
            .bind(name)
            .fetch_optional(&self.db.pool)
            .await
            .unwrap()
        {
            return id;
        }
        app::suggestion::ssr::create_unit(&self.db, name, "department", "")
            .await
            .unwrap()
    }

    /// The id of a level-1 station with this name, created if missing.
    pub async fn station(&self, name: &str) -> i64 {
        if let Some(id) = sqlx::query_scalar::<_, i64>("select id from station where name = $1")
            .bind(name)
            .fetch_optional(&self.db.pool)
            .await
            .unwrap()
        {
            return id;
        }
        sqlx::query_scalar(
            "insert into station (name, level, region_code, email, active, created_at, updated_at) \
             values ($1, 1, '', '', 1, 0, 0) returning id",
        )
        .bind(name)
        .fetch_one(&self.db.pool)
        .await
        .unwrap()
    }

    /// Logs in through the login endpoint and returns the session cookie (`yj_session=…`).
    pub async fn login(&self, role: Role) -> String {
        let (name, password) = self.account(role).await;
        self.login_as(&name, &password).await
    }

    pub async fn login_as(&self, name: &str, password: &str) -> String {
        let res = self
            .post_form(
                "/api/auth/login",
                &[("name", name), ("password", password)],
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "login failed: {}", res.body);
        res.set_cookie("yj_session").expect("session cookie")
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        let mut req = req;
        req.extensions_mut().insert(ConnectInfo(
            "203.0.113.7:50000".parse::<SocketAddr>().unwrap(),
        ));
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 16 << 20)
            .await
            .expect("body");
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> TestResponse {
        let mut b = Request::get(path)
            .header("host", HOST)
            .header("accept", "text/html");
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// A server-function call as the JavaScript client makes it (expects JSON back).
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> TestResponse {
        self.post_raw(path, encode(form), cookie, false).await
    }

    /// The same call as a browser without JavaScript makes it (expects a redirect).
    pub async fn post_plain_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        referer: &str,
    ) -> TestResponse {
        let b = same_site_post(
            path,
            "text/html,application/xhtml+xml",
            "application/x-www-form-urlencoded",
            cookie,
        )
        .header("referer", format!("{ORIGIN}{referer}"));
        self.send(b.body(Body::from(encode(form))).unwrap()).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<Body>,
        cookie: Option<&str>,
        html: bool,
    ) -> TestResponse {
        let b = same_site_post(
            path,
            if html {
                "text/html"
            } else {
                "application/json"
            },
            "application/x-www-form-urlencoded",
            cookie,
        );
        self.send(b.body(body.into()).unwrap()).await
    }

    /// A multipart form post (file upload), as a browser sends it.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
        cookie: Option<&str>,
        html: bool,
    ) -> TestResponse {
        const B: &str = "yijian-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!("--{B}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((name, bytes)) = file {
            body.extend(
                format!("--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{B}--\r\n").as_bytes());
        let b = same_site_post(
            path,
            if html {
                "text/html"
            } else {
                "application/json"
            },
            format!("multipart/form-data; boundary={B}"),
            cookie,
        )
        .header("referer", format!("{ORIGIN}/committee/drafts/new"));
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db.pool)
            .await
            .expect("count query")
    }
}

/// A POST as a browser on this site sends it (same-origin `Origin`), with the session cookie.
pub fn same_site_post(
    path: &str,
    accept: &str,
    content_type: impl AsRef<str>,
    cookie: Option<&str>,
) -> http::request::Builder {
    let b = Request::post(path)
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("accept", accept)
        .header("content-type", content_type.as_ref());
    match cookie {
        Some(c) => b.header("cookie", c),
        None => b,
    }
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish()
}

/// The text (`pdftotext`) and the embedded fonts (`pdffonts`) of a PDF.
pub fn pdf_text_and_fonts(pdf: &[u8]) -> (String, String) {
    let dir = temp_dir("pdf");
    let path = dir.join("x.pdf");
    std::fs::write(&path, pdf).unwrap();
    let run = |cmd: &str, args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(cmd)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{cmd} (Debian: poppler-utils) is needed: {e}"));
        assert!(out.status.success(), "{cmd} failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = run("pdftotext", &[path.as_os_str(), "-".as_ref()]);
    let fonts = run("pdffonts", &[path.as_os_str()]);
    let _ = std::fs::remove_dir_all(&dir);
    (text, fonts)
}
