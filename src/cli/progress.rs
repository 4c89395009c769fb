//! Progress bars on stderr for long runs, shown only when stderr is a
//! terminal (a pipeline's logs stay clean).

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing when stderr is not a terminal.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    fn shown() -> bool {
        std::io::stderr().is_terminal()
    }

    /// No bar.
    pub fn hidden() -> Bar {
        Bar(None)
    }

    /// Bytes read from `path` (a spinner for standard input or a pipe).
    pub fn for_file(path: &Path, message: &'static str) -> Bar {
        if !Self::shown() {
            return Bar(None);
        }
        let len = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        let bar = match len {
            Some(len) => ProgressBar::new(len).with_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {msg} {bytes} {bytes_per_sec}")
                    .expect("valid template"),
            ),
        };
        Bar(Some(Self::start(bar, message)))
    }

    /// A count of `total` steps.
    pub fn steps(total: u64, message: &'static str) -> Bar {
        if !Self::shown() {
            return Bar(None);
        }
        let bar = ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} eta {eta}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Bar(Some(Self::start(bar, message)))
    }

    fn start(bar: ProgressBar, message: &'static str) -> ProgressBar {
        bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// Counts the bytes read through `reader`.
    pub fn wrap<'a>(&self, reader: Box<dyn Read + 'a>) -> Box<dyn Read + 'a> {
        match &self.0 {
            Some(bar) => Box::new(bar.wrap_read(reader)),
            None => reader,
        }
    }

    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
