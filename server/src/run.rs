//! What each subcommand does. Errors come back as one line for the operator.

use crate::cli::{DataArgs, DraftParseArgs, ServeArgs, UserAddArgs};
use anyhow::{anyhow, bail, Context, Result};
use app::account::NewAccount;
use app::auth::Role;
use app::comment::intake::{Intake, IntakeConfig};
use app::ssr::{db, AppState, Db, Settings};
use leptos::config::LeptosOptions;
use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;

/// Opens the database named by the data flags and brings its schema up to date.
pub async fn open_database(data: &DataArgs) -> Result<Db> {
    let url = data.resolved_database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&data.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                data.data_dir.display()
            )
        })?;
    }
    let db = db::connect(&url).await?;
    db::migrate(&db).await?;
    Ok(db)
}

pub fn settings_from(args: &ServeArgs) -> Settings {
    let public_url = args.public_url.clone();
    Settings {
        secure_cookies: public_url.as_ref().is_some_and(|u| u.scheme() == "https"),
        public_url,
        session_ttl_s: args.session_hours * 3600,
        login_max_per_account: args.login_max_per_account,
        login_max_per_ip: args.login_max_per_ip,
        login_window_s: args.login_window_s,
        form_limit_bytes: args.form_limit_kb * 1024,
        trust_proxy: args.trust_proxy,
        moderation: app::comment::Moderation::parse(&args.moderation).unwrap_or_default(),
        comment_per_ip_per_min: args.comment_per_ip_per_min,
        comment_challenge_from_per_min: args.comment_challenge_from_per_min,
        comment_per_contact_per_hour: args.comment_per_contact_per_hour,
        intake_queue: args.intake_queue,
        search_dir: Some(args.data.data_dir.join("search")),
        pdf_browser: args.pdf_browser.clone(),
        page_cache_s: args.page_cache_seconds,
        light_reading_pages: !args.hydrate_public_pages,
    }
}

/// The application state, with the comment intake started on the given database.
pub async fn app_state(
    db: Db,
    leptos_options: LeptosOptions,
    settings: Settings,
) -> Result<AppState> {
    let mut config = IntakeConfig::from_settings(&settings);
    if settings.public_url.is_none() {
        config.public_base = format!("http://{}", leptos_options.site_addr);
    }
    let search = app::search::feed::SearchIndex::start(db.clone(), settings.search_dir.clone())
        .await
        .map_err(|e| anyhow!("cannot open the search index: {e:?}"))?;
    // New comments become searchable at once rather than at the next poll.
    let poke = Arc::downgrade(&search);
    let on_commit = Arc::new(move || {
        if let Some(s) = poke.upgrade() {
            s.poke();
        }
    });
    let intake = Intake::start(db.clone(), config, on_commit)
        .await
        .map_err(|e| anyhow!("cannot start the comment intake: {e:?}"))?;
    Ok(AppState {
        leptos_options,
        db,
        settings: Arc::new(settings),
        intake,
        search,
    })
}

/// `yijian station import`: all or nothing; every problem with its line on standard error.
pub async fn station_import(
    file: &std::path::Path,
    dry_run: bool,
    data: &crate::cli::DataArgs,
) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let fail = |errors: Vec<app::station::RowError>| {
        for e in &errors {
            eprintln!("{}: {e}", file.display());
        }
        anyhow!(
            "{} problem(s) in {}; nothing was imported",
            errors.len(),
            file.display()
        )
    };
    let rows = app::station::csv::parse(&bytes).map_err(fail)?;
    let db = open_database(data).await?;
    if dry_run {
        // The same checks as an import, rolled back.
        let n = rows.len();
        let summary = app::station::ssr::check(&db, &rows).await.map_err(fail)?;
        println!(
            "{}: {n} rows are valid (would create {}, update {}, leave {} unchanged); nothing imported (--dry-run)",
            file.display(),
            summary.created,
            summary.updated,
            summary.unchanged
        );
        return Ok(());
    }
    let summary = app::station::ssr::import(&db, &rows).await.map_err(fail)?;
    println!(
        "{}: created {}, updated {}, unchanged {}",
        file.display(),
        summary.created,
        summary.updated,
        summary.unchanged
    );
    Ok(())
}

/// `yijian station export`.
pub async fn station_export(
    format: &str,
    output: Option<&std::path::Path>,
    data: &crate::cli::DataArgs,
) -> Result<()> {
    if format != "csv" && format != "xlsx" {
        anyhow::bail!("unsupported --format {format:?}: use csv or xlsx");
    }
    if format == "xlsx" && output.is_none() {
        anyhow::bail!("--format xlsx needs --output FILE (a workbook is not text for a terminal)");
    }
    let db = open_database(data).await?;
    let rows = app::station::ssr::export(&db)
        .await
        .map_err(|e| anyhow!("cannot read the stations: {e:?}"))?;
    let bytes = if format == "xlsx" {
        app::station::csv::write_xlsx(&rows).map_err(|e| anyhow!("cannot write XLSX: {e:?}"))?
    } else {
        app::station::csv::write(&rows).into_bytes()
    };
    match output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&bytes)
                .context("cannot write to standard output")?
        }
    }
    Ok(())
}

/// `yijian reindex`: a complete new index generation from the database, then the switch.
pub async fn reindex(args: crate::cli::ReindexArgs) -> Result<()> {
    let db = open_database(&args.data).await?;
    let dir = args.data.data_dir.join("search");
    let started = std::time::Instant::now();
    let (generation, seq) = app::search::feed::rebuild(&db, &dir, args.heap_mb << 20)
        .await
        .map_err(|e| anyhow!("reindex failed: {e:?}"))?;
    println!(
        "search index rebuilt up to change {seq} in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        dir.join(generation).display()
    );
    Ok(())
}

/// Leptos' settings; the script and wasm names come from the site's `pkg/assets.txt` when
/// `.ci/build-site` wrote one (content-hashed names), else the plain `yijian.js` and
/// `yijian_bg.wasm`. The stylesheet's name is recorded for the page shell.
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    let manifest = std::fs::read_to_string(
        std::path::Path::new(site_root)
            .join("pkg")
            .join("assets.txt"),
    )
    .map(|t| app::assets::Manifest::parse(&t))
    .unwrap_or_default();
    if let Some(css) = &manifest.css {
        app::assets::set_stylesheet(css);
    }
    if let Some(light) = &manifest.light {
        app::assets::set_light_script(light);
    }
    LeptosOptions::builder()
        .output_name(manifest.output_name().unwrap_or("yijian").to_string())
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

pub async fn serve(args: ServeArgs) -> Result<()> {
    let db = open_database(&args.data).await?;
    if args.demo {
        let logins = crate::demo::seed(&db)
            .await
            .map_err(|e| anyhow!("demo seed failed: {e}"))?;
        println!("演示账户 / demo logins (name / password / role):");
        for (name, password, role) in logins {
            println!("  {name:<10} {password:<22} {}", role.label());
        }
    }
    let wasm = std::fs::read_to_string(
        std::path::Path::new(&args.site_root)
            .join("pkg")
            .join("assets.txt"),
    )
    .ok()
    .and_then(|t| app::assets::Manifest::parse(&t).wasm)
    .unwrap_or_else(|| "yijian_bg.wasm".into());
    let pkg = std::path::Path::new(&args.site_root).join("pkg").join(wasm);
    if !pkg.exists() {
        tracing::warn!(
            path = %pkg.display(),
            "the wasm bundle is missing: pages work without JavaScript but will not hydrate \
             (build it with `.ci/build-site`)"
        );
    }
    let from: lettre::message::Mailbox = args
        .mail_from
        .parse()
        .map_err(|e| anyhow!("invalid --mail-from {:?}: {e}", args.mail_from))?;
    let delivery = app::outbox::ssr::Delivery::from_config(
        args.smtp_url.as_deref(),
        args.data.data_dir.join("mail"),
    )
    .map_err(|e| anyhow!(e))?;
    if args.smtp_url.is_none() {
        println!(
            "no --smtp-url: mail is written to {}",
            args.data.data_dir.join("mail").display()
        );
    }
    tokio::spawn(app::outbox::ssr::run(db.clone(), delivery, from));
    let settings = settings_from(&args);
    tokio::spawn(app::coverage::ssr::run(
        db.clone(),
        app::coverage::ssr::JobConfig {
            reminder_days: args.reminder_days,
            digest_to: args
                .digest_to
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            digest_hour: args.digest_hour,
            base: app::comment::intake::IntakeConfig::from_settings(&settings).public_base,
        },
    ));
    // Reminders to the units handling deputies' suggestions, before and after the deadline.
    tokio::spawn(app::suggestion::chase::run(
        db.clone(),
        args.handling_reminder_days,
        app::comment::intake::IntakeConfig::from_settings(&settings).public_base,
    ));
    let state = app_state(db, leptos_options(&args.site_root, args.bind), settings).await?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    println!("意见 Yijian listening on http://{}", args.bind);
    crate::listen::serve(listener, crate::router(state), shutdown_signal())
        .await
        .context("server stopped with an error")?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

pub async fn user_add(args: UserAddArgs) -> Result<()> {
    let role = Role::parse(&args.role).ok_or_else(|| anyhow!("unknown role {}", args.role))?;
    let password = match args.password {
        Some(p) => p,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if password.is_empty() {
        bail!("no password given: use --password, YIJIAN_PASSWORD or standard input");
    }
    let db = open_database(&args.data).await?;
    let account = NewAccount {
        display_name: args.display_name.unwrap_or_else(|| args.name.clone()),
        name: args.name,
        role,
        station: args.station,
        password,
    };
    let id = app::account::ssr::create_account(&db, &account)
        .await
        .map_err(|e| anyhow!("cannot create the account: {}", e.message()))?;
    println!(
        "created {} account {:?} (id {id})",
        role.as_str(),
        account.name
    );
    Ok(())
}

pub async fn user_unlock(args: crate::cli::UserUnlockArgs) -> Result<()> {
    let db = open_database(&args.data).await?;
    let lifted = app::auth::ssr::unlock(&db, &args.name)
        .await
        .map_err(|e| anyhow!("cannot unlock the account: {}", e.message()))?;
    println!(
        "lifted {lifted} login limit(s) on {:?}; the account can log in again from every client",
        args.name
    );
    Ok(())
}

pub fn draft_parse(args: DraftParseArgs) -> Result<()> {
    use app::draft::import;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let tools = import::Tools::from_path();
    if args.text {
        let c = import::convert(&bytes, name.as_deref(), &tools)
            .map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
        print!("{}", c.text);
        return Ok(());
    }
    let (converted, parsed) = import::parse_file(&bytes, name.as_deref(), &tools)
        .map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
    if args.json {
        let out = serde_json::json!({
            "format": converted.format.name(),
            "title": parsed.tree.title,
            "note": parsed.tree.note,
            "counts": parsed.counts,
            "warnings": parsed.warnings,
            "tree": parsed.tree.nodes,
        });
        println!("{out}");
    } else {
        let c = parsed.counts;
        println!("{}", parsed.tree.title);
        println!(
            "编 {}  分编 {}  章 {}  节 {}  条 {}",
            c.bian, c.fenbian, c.zhang, c.jie, c.tiao
        );
        for w in &parsed.warnings {
            println!("第{}行：{}", w.line, w.message);
        }
    }
    Ok(())
}
