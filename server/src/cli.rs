//! The `yijian` command line: every flag can also be set by an environment variable, and
//! `yijian <command> --help` documents each one.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

pub use crate::bench::args::{
    BenchCommand, ClusterBenchArgs, ExportBenchArgs, IngestArgs, ReadBenchArgs, SearchBenchArgs,
};

#[derive(Parser, Debug)]
#[command(
    name = "yijian",
    version,
    about = "意见 Yijian — public consultation on draft regulations",
    long_about = "意见 Yijian — a public legislative-draft consultation platform.\n\n\
                  Run `yijian serve --demo` for a demo on an embedded SQLite database, or \
                  `yijian <command> --help` for the options of each command."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server.
    Serve(Box<ServeArgs>),
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Benchmarks; each prints JSON lines `{"bench","metric","value","unit"}`.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Work with draft texts.
    Draft {
        #[command(subcommand)]
        command: DraftCommand,
    },
    /// The station network: import and export the station list.
    Station {
        #[command(subcommand)]
        command: StationCommand,
    },
    /// Cluster opinions collected anywhere: FILE has one JSON object a line, `{"id": …,
    /// "text": …}` and optionally `"article"` (opinions are then clustered per article). Prints
    /// one JSON object: `clusters` (groups of two or more opinions, each with `ids`, `label` —
    /// the point in the opinions' own words, at most 24 characters —, `keywords`,
    /// `representative`, and `article` when given), `others` (ids in no group, 其他意见),
    /// `unique` (those of them unlike any other opinion, 独特意见) and `campaigns`
    /// (near-duplicate copies, each with `ids`). The same code as the committee's workbench.
    Cluster(ClusterArgs),
    /// Rebuild the search index from the database, beside the current one, then switch to it.
    /// A server running on the same data directory keeps answering searches from the old index
    /// and moves to the new one within a second of the switch.
    Reindex(ReindexArgs),
    /// Back up the embedded SQLite database to FILE while servers keep running (SQLite's
    /// `VACUUM INTO`: a consistent, compacted copy), check the copy and print what it holds.
    /// Refuses to overwrite a file. For PostgreSQL use `pg_dump` (see docs/deploy.md).
    Backup(BackupArgs),
    /// Put a backup made by `yijian backup` in place as the data directory's database (after
    /// checking it), and drop the old search index so the server rebuilds it at start. Stop
    /// the server first; an existing database is replaced only with `--replace`.
    Restore(RestoreArgs),
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The backup file to write (must not exist).
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The backup file to restore.
    #[arg(long)]
    pub from: PathBuf,
    /// Overwrite the data directory's database (the server must be stopped).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Subcommand, Debug)]
pub enum StationCommand {
    /// Import a station list (CSV in UTF-8 or GB18030, or XLSX with a sheet 联系点): columns `name`, `level` (1 = prefecture …
    /// 4 = village), `parent` (the parent's name, or its path `昌吉回族自治州/昌吉市` when the
    /// name is not unique), optional `region_code`, `email`, `active` (1/0); Chinese headers
    /// (名称, 层级, 上级, 区划代码, 邮箱, 启用) work too. New stations are created, existing ones
    /// (same name under the same parent) updated, none deleted. Every problem is listed with its
    /// line, and nothing is imported unless the whole file is clean.
    Import {
        file: PathBuf,
        /// Check the file against the database and report, without importing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Write the station list as CSV (UTF-8 with BOM; parents as full paths) to standard
    /// output or `--output`, or as XLSX to `--output`. Either imports again unchanged.
    Export {
        /// `csv` or `xlsx`.
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Args, Debug)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Indexing memory budget in MiB.
    #[arg(long, default_value_t = 256)]
    pub heap_mb: usize,
}

#[derive(Subcommand, Debug)]
pub enum DraftCommand {
    /// Parse a draft and print its structure: counts of 编/分编/章/节/条, warnings with line
    /// numbers, and the tree. Reads Markdown and plain text (UTF-8, UTF-16 with BOM, GB18030 or
    /// Big5), saved web pages, Word (.docx; .doc, .wps, .rtf and .odt through LibreOffice's
    /// `soffice`) and PDF (through poppler's `pdftotext`), told apart by content. Exits
    /// non-zero when the file is unusable (unreadable, empty, binary, a scanned PDF without
    /// text, a converter missing, no article found), with one line saying why.
    Parse(DraftParseArgs),
}

#[derive(Args, Debug)]
pub struct DraftParseArgs {
    /// The file to parse.
    pub file: PathBuf,
    /// Print one JSON object: `{"format", "title", "note", "counts": {"bian","fenbian","zhang",
    /// "jie","tiao"}, "warnings": [{"line","message"}], "tree": [...]}`; `format` is `text`,
    /// `html`, `docx`, `doc`, `wps`, `rtf`, `odt` or `pdf`.
    #[arg(long)]
    pub json: bool,
    /// Print the text read from the file (what a Word or PDF file turned into; warnings'
    /// line numbers refer to it) instead of its structure.
    #[arg(long, conflicts_with = "json")]
    pub text: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account (this is how the first admin is made).
    Add(UserAddArgs),
    /// Lift the login limits on an account from every client (for an owner who locked their
    /// own computer out with wrong passwords).
    Unlock(UserUnlockArgs),
}

#[derive(Args, Debug)]
pub struct UserUnlockArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Login name of the account (any case).
    #[arg(long)]
    pub name: String,
}

/// Where the data lives; shared by every command that touches data.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Directory for the embedded database and other files the server writes.
    #[arg(long, env = "YIJIAN_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite:PATH` or `postgres://user@host/db`. Default: an SQLite file
    /// `yijian.db` in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DataArgs {
    pub fn resolved_database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!("sqlite://{}", self.data_dir.join("yijian.db").display()),
        }
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address and port to listen on.
    #[arg(long, env = "YIJIAN_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// The public URL people reach the site at (for links in e-mail and the cross-site check),
    /// e.g. `https://yijian.example.gov.cn`. Default: `http://<bind>`.
    #[arg(long, env = "YIJIAN_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Seed demo data (accounts of each role, the 437 stations) and print the demo logins.
    /// Safe to repeat: nothing is duplicated.
    #[arg(long, env = "YIJIAN_DEMO")]
    pub demo: bool,
    /// Directory holding the built site: `pkg/assets.txt` naming the content-hashed script,
    /// wasm bundle and stylesheet under `pkg/` (plain `yijian.js`, `yijian_bg.wasm` and
    /// `yijian.css` without it), and the public files.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Trust the `X-Forwarded-For` header for the client address (only behind your own proxy).
    #[arg(long, env = "YIJIAN_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Failed logins allowed per account in the login window before further attempts are refused.
    #[arg(long, env = "YIJIAN_LOGIN_MAX_PER_ACCOUNT", default_value_t = 5)]
    pub login_max_per_account: i64,
    /// Failed logins allowed per client IP in the login window.
    #[arg(long, env = "YIJIAN_LOGIN_MAX_PER_IP", default_value_t = 30)]
    pub login_max_per_ip: i64,
    /// Length of the login rate-limit window, in seconds.
    #[arg(long, env = "YIJIAN_LOGIN_WINDOW_S", default_value_t = 900)]
    pub login_window_s: i64,
    /// Session lifetime without activity, in hours.
    #[arg(long, env = "YIJIAN_SESSION_HOURS", default_value_t = 168)]
    pub session_hours: i64,
    /// Largest accepted form body, in KiB.
    #[arg(long, env = "YIJIAN_FORM_LIMIT_KB", default_value_t = 64)]
    pub form_limit_kb: usize,
    /// Comment moderation: `pre` (public only after a moderator approves) or `post` (public at
    /// once; comments flagged as possible spam still wait for a moderator).
    #[arg(long, env = "YIJIAN_MODERATION", default_value = "pre", value_parser = ["pre", "post"])]
    pub moderation: String,
    /// Comment submissions one client address may make per minute; more get 429 + Retry-After.
    #[arg(long, env = "YIJIAN_COMMENT_PER_IP_PER_MIN", default_value_t = 60)]
    pub comment_per_ip_per_min: u32,
    /// From this many submissions per minute, a client address must answer a small arithmetic
    /// question (works without JavaScript) with each comment.
    #[arg(
        long,
        env = "YIJIAN_COMMENT_CHALLENGE_FROM_PER_MIN",
        default_value_t = 10
    )]
    pub comment_challenge_from_per_min: u32,
    /// Comments one phone number or e-mail address may leave per hour.
    #[arg(
        long,
        env = "YIJIAN_COMMENT_PER_CONTACT_PER_HOUR",
        default_value_t = 30
    )]
    pub comment_per_contact_per_hour: u32,
    /// Comments accepted and waiting to be written to disk; beyond this, submissions get
    /// 503 + Retry-After instead of piling up.
    #[arg(long, env = "YIJIAN_INTAKE_QUEUE", default_value_t = 4096)]
    pub intake_queue: usize,
    /// Anonymous readers' public pages (the draft list, reading pages, comparisons, feedback
    /// reports) are rendered once and served from memory for up to this many seconds; any
    /// change made through this server (a publication, a withdrawal, a moderation decision …)
    /// empties the cache at once, so the figure bounds only how long a page can lag a change
    /// made on another server sharing the database, or a comment window opening on time.
    /// 0 renders every request.
    #[arg(long, env = "YIJIAN_PAGE_CACHE_SECONDS", default_value_t = 30)]
    pub page_cache_seconds: u64,
    /// Give anonymous readers the whole application (a 3 MB bundle, 1.1 MB compressed) on the
    /// public reading pages too. By default those pages (home, drafts, reading, comment,
    /// receipt) go out with a 3 KB script instead: they work as plain HTML, and the script opens
    /// the comment form beside its article. Logged-in people always get the application.
    #[arg(long, env = "YIJIAN_HYDRATE_PUBLIC_PAGES")]
    pub hydrate_public_pages: bool,
    /// SMTP server for outgoing mail: `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465`, or `smtp://host:25` (plain, e.g. a local relay). Without
    /// it, mail is written as .eml files under `<data-dir>/mail/`.
    #[arg(long, env = "YIJIAN_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Days before a part closes when stations that have forwarded nothing on the draft get an
    /// automatic reminder (once per part); 0 turns the reminder off.
    #[arg(long, env = "YIJIAN_REMINDER_DAYS", default_value_t = 3)]
    pub reminder_days: i64,
    /// Days before a suggestion's handling deadline when its lead unit is reminded by e-mail
    /// (once per deadline); a unit is also mailed when the deadline passes and every 30 days
    /// after while it has not answered. Units without an e-mail address get no reminder; 0
    /// turns the reminder before the deadline off (the overdue ones still go out).
    #[arg(long, env = "YIJIAN_HANDLING_REMINDER_DAYS", default_value_t = 15, value_parser = clap::value_parser!(i64).range(0..=90))]
    pub handling_reminder_days: i64,
    /// Addresses (comma-separated) that get the committee's daily digest of the previous day.
    /// Without it, no digest is sent.
    #[arg(long, env = "YIJIAN_DIGEST_TO", value_delimiter = ',')]
    pub digest_to: Vec<String>,
    /// Hour of the day (China time, 0–23) from which the digest of the previous day is sent.
    #[arg(long, env = "YIJIAN_DIGEST_HOUR", default_value_t = 8, value_parser = clap::value_parser!(i64).range(0..24))]
    pub digest_hour: i64,
    /// Chromium (or Chrome) that prints the 意见汇编 to PDF. Without it, `chromium`,
    /// `chromium-browser`, `google-chrome` are looked for on the PATH; the PDF also needs a
    /// Chinese font (Debian: fonts-noto-cjk). Without either, the download explains what is
    /// missing and the page still prints from the browser.
    #[arg(long, env = "YIJIAN_PDF_BROWSER")]
    pub pdf_browser: Option<PathBuf>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "YIJIAN_MAIL_FROM",
        default_value = "意见平台 <noreply@yijian.localhost>"
    )]
    pub mail_from: String,
}

#[derive(Args, Debug)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Role of the new account.
    #[arg(long, value_parser = ["admin", "committee", "station", "citizen"])]
    pub role: String,
    /// Login name (2–32 letters, digits, `_`, `-`, `.`).
    #[arg(long)]
    pub name: String,
    /// Display name shown in the header; defaults to the login name.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Station (name or id) a station operator belongs to; required for `--role station`.
    #[arg(long)]
    pub station: Option<String>,
    /// The password. If omitted it is read from the environment variable YIJIAN_PASSWORD, or
    /// from the first line of standard input.
    #[arg(long, env = "YIJIAN_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ClusterArgs {
    /// JSON lines file (`-` for standard input).
    pub file: PathBuf,
    /// Cosine similarity two single opinions need to be grouped (0–1).
    #[arg(long, default_value_t = app::cluster::algo::Params::default().merge)]
    pub merge: f32,
    /// Average similarity two large groups need to be merged (0–1, at most --merge); groups in
    /// between need a value between the two.
    #[arg(long, default_value_t = app::cluster::algo::Params::default().merge_floor)]
    pub merge_floor: f32,
    /// An opinion in no group whose most similar other opinion is less similar than this is
    /// reported as unique (0–1).
    #[arg(long, default_value_t = app::cluster::algo::Params::default().unique)]
    pub unique: f32,
    /// Estimated Jaccard similarity of the shingles (three characters or words) of two opinions'
    /// cores (greetings and sign-offs left out) for them to be copies of one campaign (0–1;
    /// short opinions need more).
    #[arg(long, default_value_t = app::cluster::algo::Params::default().campaign_jaccard)]
    pub campaign_jaccard: f32,
    /// Copies needed to report a campaign.
    #[arg(long, default_value_t = 2)]
    pub min_copies: usize,
}
