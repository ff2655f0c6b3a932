//! Progress on standard error: a bar on a terminal (apps done of the total,
//! waits for the rate limit shown as such), plain lines when standard error
//! is not a terminal or `NO_COLOR` is set, nothing with `--json`.

use std::io::IsTerminal as _;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use okta_apps::client::{Pause, PauseCause};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A bar, redrawn in place.
    Bar,
    /// A line now and then.
    Lines,
    /// Nothing.
    Quiet,
}

/// The progress of one command, shared with the client's pause hook.
#[derive(Debug)]
pub struct Progress {
    mode: Mode,
    stage: Mutex<Stage>,
}

/// The stage under way.
#[derive(Debug, Default)]
struct Stage {
    what: String,
    done: u64,
    total: u64,
    bar: Option<ProgressBar>,
    /// When a pause was last printed as a line.
    last_pause: Option<Instant>,
}

impl Progress {
    /// Progress as the terminal allows; nothing at all when `quiet`.
    pub fn new(quiet: bool) -> Self {
        let decorated = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let mode = match (quiet, decorated) {
            (true, _) => Mode::Quiet,
            (false, true) => Mode::Bar,
            (false, false) => Mode::Lines,
        };
        Self { mode, stage: Mutex::new(Stage::default()) }
    }

    fn stage(&self) -> std::sync::MutexGuard<'_, Stage> {
        self.stage.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a stage of `total` steps (`reading assignments`).
    pub fn start(&self, what: &str, total: u64) {
        let mut stage = self.stage();
        if let Some(bar) = stage.bar.take() {
            bar.finish_and_clear();
        }
        *stage = Stage { what: what.to_owned(), total, ..Stage::default() };
        match self.mode {
            Mode::Bar => {
                let bar = ProgressBar::new(total);
                let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} apps {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
                bar.set_style(style);
                bar.set_prefix(what.to_owned());
                bar.enable_steady_tick(Duration::from_millis(200));
                stage.bar = Some(bar);
            }
            Mode::Lines => eprintln!("{what}: 0/{total} apps"),
            Mode::Quiet => {}
        }
    }

    /// One step of the stage is done.
    pub fn step(&self) {
        let mut stage = self.stage();
        stage.done += 1;
        let (done, total) = (stage.done, stage.total);
        match (&stage.bar, self.mode) {
            (Some(bar), _) => {
                bar.set_message("");
                bar.set_position(done);
            }
            // About ten lines a stage, and the last.
            (None, Mode::Lines) if done == total || done % (total / 10).max(1) == 0 => {
                eprintln!("{}: {done}/{total} apps", stage.what);
            }
            _ => {}
        }
    }

    /// Ends the stage.
    pub fn finish(&self) {
        if let Some(bar) = self.stage().bar.take() {
            bar.finish_and_clear();
        }
    }

    /// A line of its own (above the bar, if one is drawn), unless quiet.
    pub fn line(&self, text: &str) {
        let stage = self.stage();
        match (&stage.bar, self.mode) {
            (Some(bar), _) => bar.suspend(|| eprintln!("{text}")),
            (None, Mode::Lines) => eprintln!("{text}"),
            _ => {}
        }
    }

    /// The client waits before sending: shown on the bar, or as a line
    /// (at most one a second).
    pub fn pause(&self, pause: &Pause) {
        let why = match pause.cause {
            PauseCause::RateBudget => "for the rate limit",
            PauseCause::RateLimited => "after a 429 (rate limit)",
            _ => "after a failure, to try again",
        };
        let text = format!("waiting {:.1} s {why} of {}", pause.wait.as_secs_f64(), pause.endpoint);
        let mut stage = self.stage();
        match (&stage.bar, self.mode) {
            (Some(bar), _) => bar.set_message(text),
            (None, Mode::Lines) if stage.last_pause.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) => {
                stage.last_pause = Some(Instant::now());
                eprintln!("{text}");
            }
            _ => {}
        }
    }
}
