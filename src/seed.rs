//! `colophon seed --synthetic`: generated data for benchmarks and scale tests.

use std::time::Instant;

use anyhow::bail;
use colophon_synthetic::SyntheticOptions;

use crate::cli::SeedArgs;
use crate::database::open_for_cli;

pub fn run(args: SeedArgs) -> anyhow::Result<()> {
    if !args.synthetic {
        bail!("say --synthetic: the demo content loads by itself on the first `colophon serve`");
    }
    let colophon = open_for_cli(&args.data)?;
    if colophon.holds_content()? {
        bail!(
            "{} already holds content: synthetic data goes into an empty database (give another --data-dir, or DATABASE_URL)",
            colophon.database().describe()
        );
    }
    let started = Instant::now();
    let options = SyntheticOptions { posts: args.posts, seed: args.seed, ..SyntheticOptions::default() };
    let mut conn = colophon_store::connect(colophon.database())?;
    let report = colophon_synthetic::seed(&mut conn, &options, |step| {
        eprintln!("[{:>7.1}s] {step}", started.elapsed().as_secs_f64());
    })?;
    println!(
        "seeded {} authors, {} posts, {} comments in {:.1}s; a post with 36 comments: {}",
        report.authors,
        report.posts,
        report.comments,
        started.elapsed().as_secs_f64(),
        report.sample_slug
    );
    Ok(())
}
