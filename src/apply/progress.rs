//! Progress of apply and destroy on stderr: on a terminal one live line (done/total, the
//! steps running, elapsed time) drawn by indicatif; otherwise (CI, a log file) one plain line
//! per step started, finished or failed, so a log says exactly what happened and when.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub struct Progress {
    verb: &'static str,
    total: usize,
    done: usize,
    running: BTreeSet<String>,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// `verb` names the work (`apply`, `destroy`); `already` steps were done before this run.
    pub fn new(verb: &'static str, total: usize, already: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{prefix} [{elapsed_precise}] {pos}/{len} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix(verb);
            bar.set_position(already as u64);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            verb,
            total,
            done: already,
            running: BTreeSet::new(),
            started: Instant::now(),
            bar,
        }
    }

    pub fn start(&mut self, id: &str) {
        self.running.insert(id.to_string());
        match &self.bar {
            Some(_) => self.redraw(),
            None => eprintln!("{}: start  {id}", self.verb),
        }
    }

    pub fn finish(&mut self, id: &str) {
        self.running.remove(id);
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_position(self.done as u64);
                self.redraw();
            }
            None => eprintln!(
                "{}: done   {id} [{}/{}, {:.1}s]",
                self.verb,
                self.done,
                self.total,
                self.started.elapsed().as_secs_f64()
            ),
        }
    }

    pub fn fail(&mut self, id: &str, error: &str) {
        self.running.remove(id);
        match &self.bar {
            Some(bar) => {
                bar.println(format!("{}: FAILED {id}: {error}", self.verb));
                self.redraw();
            }
            None => eprintln!("{}: FAILED {id}: {error}", self.verb),
        }
    }

    /// A message of its own, above the live line on a terminal.
    pub fn note(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.println(format!("{}: {message}", self.verb)),
            None => eprintln!("{}: {message}", self.verb),
        }
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            let names: Vec<&str> = self.running.iter().map(String::as_str).collect();
            bar.set_message(format!("running: {}", names.join(", ")));
        }
    }

    pub fn close(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
