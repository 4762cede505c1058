//! `colophon import …`: content from other systems, with a progress bar on a terminal (plain
//! lines otherwise) and a summary at the end.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use colophon_import::{GhostImportOptions, WxrImportOptions};
use colophon_service::ImportReport;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ImportCommand;
use crate::database::open_for_cli;

/// A directory removed when dropped.
struct ScratchDir(std::path::PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempfile_dir() -> anyhow::Result<ScratchDir> {
    let dir = std::env::temp_dir().join(format!("colophon-dry-run-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(ScratchDir(dir))
}

/// Says so when the database holds the demo: an import sits beside it (a second author of the
/// same name, `-2` slugs, the demo post's neighbours), which is rarely what anyone wants.
fn warn_about_demo(colophon: &colophon_service::Colophon) -> anyhow::Result<()> {
    if colophon.holds_demo_content()? {
        eprintln!(
            "warning: this database holds the demo content; what is imported sits beside it (duplicate authors, \
             -2 slugs). To import into an empty database, give a new --data-dir (or DATABASE_URL) and start it \
             with `colophon serve --no-demo`, or import before the first start."
        );
    }
    Ok(())
}

pub fn run(command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Wxr { file, dry_run, create_fields, data } => {
            // The whole file first: a file refused makes no database.
            if let Err(why) = colophon_import::check_wxr_file(&file) {
                println!("refused: {why}");
                bail!("{} was refused whole: nothing of it was imported", file.display());
            }
            // A dry run reads no database: on an embedded site without one yet, it makes none.
            let scratch;
            let data = if dry_run && data.database_url.is_none() && !data.data_dir.join("colophon.db").exists() {
                scratch = tempfile_dir()?;
                crate::cli::DataArgs { data_dir: scratch.0.clone(), database_url: None }
            } else {
                data
            };
            let colophon = open_for_cli(&data)?;
            warn_about_demo(&colophon)?;
            let mut progress = Progress::new();
            let options = WxrImportOptions { dry_run, checked: true, create_fields };
            let report = colophon_import::import_wxr(&colophon, &file, options, &mut |r| progress.show(r))?;
            conclude(&file, &progress, &report, dry_run)
        }
        ImportCommand::Colophon { file, data } => {
            let colophon = open_for_cli(&data)?;
            let report = colophon.import_archive(&file)?;
            println!("restored: {}, {}", counts(&report), count(report.attachments, "media file"));
            Ok(())
        }
        ImportCommand::Ghost { file, dry_run, site_url, data } => {
            let colophon = open_for_cli(&data)?;
            warn_about_demo(&colophon)?;
            let mut progress = Progress::new();
            let options = GhostImportOptions { dry_run, site_url };
            let report = colophon_import::import_ghost(&colophon, &file, options, &mut |r| progress.show(r))?;
            conclude(&file, &progress, &report, dry_run)
        }
    }
}

/// `colophon export`: the archive to a file or standard output.
pub fn export(
    output: Option<std::path::PathBuf>,
    options: colophon_service::ArchiveOptions,
    data: &crate::cli::DataArgs,
) -> anyhow::Result<()> {
    let colophon = open_for_cli(data)?;
    let rows = match &output {
        Some(path) => {
            // Readable by its owner alone: an archive holds commenters' e-mails and addresses,
            // and with --include-secrets the password hashes.
            let mut open = std::fs::OpenOptions::new();
            open.write(true).create(true).truncate(true);
            std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
            let file = open.open(path).with_context(|| format!("creating {}", path.display()))?;
            colophon.export_archive(&mut std::io::BufWriter::new(file), options)?
        }
        None => colophon.export_archive(&mut std::io::BufWriter::new(std::io::stdout().lock()), options)?,
    };
    eprintln!(
        "exported {rows} lines{}{}",
        if options.include_secrets { ", password hashes included" } else { "" },
        if options.media_files { ", media files included" } else { ", without media files" }
    );
    Ok(())
}

/// The summary, and a failing exit status whenever something was not imported: a file refused
/// whole, or items skipped.
fn conclude(file: &std::path::Path, progress: &Progress, report: &ImportReport, dry_run: bool) -> anyhow::Result<()> {
    progress.finish(report);
    summarize(report, dry_run);
    if report.stopped.is_some() {
        bail!("{} was refused whole: nothing of it was imported", file.display());
    }
    if !report.imported_anything() {
        bail!("nothing could be imported from {}", file.display());
    }
    if !report.problems.is_empty() {
        let n = report.problems.len();
        let (items, verb) = match (n, dry_run) {
            (1, false) => ("item", "was skipped"),
            (1, true) => ("item", "would be skipped"),
            (_, false) => ("items", "were skipped"),
            (_, true) => ("items", "would be skipped"),
        };
        bail!("{n} {items} of {} {verb} (listed above)", file.display());
    }
    Ok(())
}

/// "1 page", "2 pages".
fn count(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn counts(report: &ImportReport) -> String {
    format!(
        "{}, {}, {}, {}",
        count(report.authors, "author"),
        count(report.posts, "post"),
        count(report.pages, "page"),
        count(report.comments, "comment")
    )
}

fn summarize(report: &ImportReport, dry_run: bool) {
    if let Some(stopped) = &report.stopped {
        println!("refused: the file cannot be imported whole, at {stopped}");
        return;
    }
    println!(
        "{}: {} ({} read, {} already imported and left as they were, {} ignored, {} skipped)",
        if dry_run { "would import" } else { "imported" },
        counts(report),
        count(report.attachments, "attachment"),
        report.unchanged,
        report.ignored,
        report.problems.len(),
    );
    for note in &report.notes {
        println!("note: {}: {}", note.item, note.reason);
    }
    for problem in &report.problems {
        println!("skipped {}: {}", problem.item, problem.reason);
    }
}

/// A bar on a terminal; elsewhere (a log, CI) a plain line every few seconds.
enum Progress {
    Bar(ProgressBar),
    Lines { started: Instant, last: Instant },
}

impl Progress {
    fn new() -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {pos} items ({per_sec}) {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            Self::Bar(bar)
        } else {
            Self::Lines { started: Instant::now(), last: Instant::now() }
        }
    }

    fn show(&mut self, report: &ImportReport) {
        match self {
            Self::Bar(bar) => {
                bar.set_position(report.seen());
                bar.set_message(counts(report));
            }
            Self::Lines { started, last } => {
                if last.elapsed() >= Duration::from_secs(5) {
                    *last = Instant::now();
                    let rate = report.seen() as f64 / started.elapsed().as_secs_f64().max(0.001);
                    eprintln!("{} items ({rate:.0}/s): {}", report.seen(), counts(report));
                }
            }
        }
    }

    fn finish(&self, report: &ImportReport) {
        if let Self::Bar(bar) = self {
            bar.finish_with_message(counts(report));
        }
    }
}
