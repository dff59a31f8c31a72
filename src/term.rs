//! The terminal: how wide it is, whether to colour, and the one table
//! layout every command's text output uses (columns that fit the width, long
//! cells shortened with `…` in the middle, never wrapped).

use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};
use tabled::builder::Builder;
use tabled::settings::{Padding, Style as TableStyle};

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorWhen {
    /// Colour when standard output is a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// What the text output may use, decided once per run.
#[derive(Clone, Copy, Debug)]
struct Terminal {
    width: usize,
    color: bool,
}

static TERMINAL: OnceLock<Terminal> = OnceLock::new();

/// The width when standard output is not a terminal and `COLUMNS` is unset.
const DEFAULT_WIDTH: usize = 100;

/// The narrowest a column is squeezed to before the table overflows.
const MIN_COLUMN: usize = 8;

/// Decide width and colour for this run: `COLUMNS`, else the terminal's
/// width, else 100; colour per `--color`, where `auto` follows anstream
/// (a terminal, `NO_COLOR` unset, `CLICOLOR_FORCE`).
pub fn init(when: ColorWhen) {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c >= 20)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .unwrap_or(DEFAULT_WIDTH);
    let color = match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    };
    let _ = TERMINAL.set(Terminal { width, color });
}

fn terminal() -> Terminal {
    *TERMINAL.get_or_init(|| Terminal {
        width: DEFAULT_WIDTH,
        color: false,
    })
}

/// The output width in columns.
pub fn width() -> usize {
    terminal().width
}

/// Progress of long work (rendering many value sets): one line on standard
/// error, redrawn in place with `\r`, only when standard error is a
/// terminal. `TRACE_VALUE_PROGRESS=always` shows it anyway (for tests and
/// terminals that do not say so), `never` hides it. Dropping it clears the line.
pub struct ProgressLine {
    on: bool,
    drawn: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl ProgressLine {
    /// A progress line for this run, on or off as standard error and
    /// `TRACE_VALUE_PROGRESS` say.
    pub fn start() -> Self {
        use std::io::IsTerminal;
        let on = match std::env::var("TRACE_VALUE_PROGRESS").as_deref() {
            Ok("always") => true,
            Ok("never") => false,
            _ => std::io::stderr().is_terminal(),
        };
        ProgressLine {
            on,
            drawn: Default::default(),
        }
    }

    /// What the library tells as each value set starts: `rendering 12/66
    /// features/pod-logs/default`; nothing for a single set.
    pub fn reporter(&self) -> Option<trace_value::docs::sets::Progress> {
        if !self.on {
            return None;
        }
        let drawn = self.drawn.clone();
        Some(std::sync::Arc::new(
            move |n: usize, total: usize, name: &str| {
                use std::io::Write;
                if total < 2 {
                    return;
                }
                let line = middle(
                    &format!("rendering {n}/{total} {name}"),
                    width().saturating_sub(1),
                );
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K{line}");
                let _ = err.flush();
                drawn.store(true, std::sync::atomic::Ordering::Relaxed);
            },
        ))
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        if self.drawn.load(std::sync::atomic::Ordering::Relaxed) {
            eprint!("\r\x1b[K");
        }
    }
}

/// What a cell is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    /// Plain text.
    Plain,
    /// A column heading or a group heading.
    Heading,
    /// A values key.
    Key,
    /// A template or values location.
    Location,
    /// A role, coloured by which.
    Role,
    /// The answer's own words (a problem's name): bold, and kept whole
    /// before other columns.
    Strong,
    /// A diff's removed line.
    Removed,
    /// A diff's added line.
    Added,
    /// A diff hunk's `@@` line numbers.
    Hunk,
    /// A note about a cause (a diff's `# key` and `# template` lines).
    Cause,
}

fn style_of(paint: Paint, text: &str) -> Style {
    match paint {
        Paint::Plain => Style::new(),
        Paint::Heading | Paint::Strong => Style::new().bold(),
        Paint::Key => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
        Paint::Location => Style::new().dimmed(),
        Paint::Removed => Style::new().fg_color(Some(AnsiColor::Red.into())),
        Paint::Added => Style::new().fg_color(Some(AnsiColor::Green.into())),
        Paint::Hunk => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
        Paint::Cause => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Paint::Role => {
            let color = match text.split_whitespace().next().unwrap_or_default() {
                "content" => AnsiColor::Green,
                "gate" => AnsiColor::Yellow,
                "loop" => AnsiColor::Magenta,
                "insert" => AnsiColor::Blue,
                _ => return Style::new().dimmed(),
            };
            Style::new().fg_color(Some(color.into()))
        }
    }
}

/// `text` in the colour of `paint` when colour is on.
pub fn paint(paint: Paint, text: &str) -> String {
    if !terminal().color || text.is_empty() {
        return text.to_string();
    }
    let style = style_of(paint, text);
    format!("{style}{text}{style:#}")
}

/// `text` cut to `max` characters with `…` in the middle (the start and
/// the end of a path or value say the most).
pub fn middle(text: &str, max: usize) -> String {
    let one_line = text.replace('\n', "\\n");
    let n = one_line.chars().count();
    if n <= max {
        return one_line;
    }
    if max <= 1 {
        return "…".to_string();
    }
    let keep = max - 1;
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let start: String = one_line.chars().take(head).collect();
    let end: String = one_line.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// Column widths that fit `width` with two spaces between columns:
/// columns of the lowest `rank` give way first (widest first among equals),
/// none below its `floor`.
fn fit(natural: &[usize], floor: &[usize], rank: &[u8], width: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let gaps = 2 * natural.len().saturating_sub(1);
    let total = |w: &[usize]| w.iter().sum::<usize>() + gaps;
    while total(&widths) > width {
        let next = widths
            .iter()
            .enumerate()
            .filter(|&(i, &w)| w > floor[i])
            .min_by_key(|&(i, &w)| (rank[i], std::cmp::Reverse(w)))
            .map(|(i, _)| i);
        match next {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    widths
}

/// A table: a heading row, then rows; each column has a paint. Cells are
/// plain text; the table shortens and colours them.
pub struct Table<'a> {
    header: &'a [&'a str],
    paints: &'a [Paint],
    rows: Vec<Vec<String>>,
    indent: usize,
}

impl<'a> Table<'a> {
    /// A table with these column headings and paints.
    pub fn new(header: &'a [&'a str], paints: &'a [Paint]) -> Self {
        Table {
            header,
            paints,
            rows: Vec::new(),
            indent: 0,
        }
    }

    /// Indent every line by `n` spaces (a table under a group heading).
    pub fn indent(mut self, n: usize) -> Self {
        self.indent = n;
        self
    }

    /// Add a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table's text, each line at most [`width`] columns (unless the
    /// columns cannot shrink further), ending in a newline.
    pub fn render(&self) -> String {
        let cols = self.header.len();
        let count = |s: &str| s.replace('\n', "\\n").chars().count();
        let mut natural: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(cols) {
                natural[i] = natural[i].max(count(c));
            }
        }
        let room = width().saturating_sub(self.indent);
        // Keys are the answer: they give way last, locations first.
        let floor = |key_floor: usize, location_floor: usize| -> Vec<usize> {
            self.header
                .iter()
                .zip(&natural)
                .enumerate()
                .map(|(i, (h, &n))| {
                    let least = match self.paints.get(i) {
                        Some(Paint::Key | Paint::Strong) => key_floor,
                        Some(Paint::Location) => location_floor,
                        _ => MIN_COLUMN,
                    };
                    n.min(least.max(h.chars().count()))
                })
                .collect()
        };
        // Locations give way first, then values, then keys.
        let rank: Vec<u8> = (0..cols)
            .map(|i| match self.paints.get(i) {
                Some(Paint::Location) => 0,
                Some(Paint::Key | Paint::Strong) => 2,
                _ => 1,
            })
            .collect();
        let fits = |w: &[usize]| w.iter().sum::<usize>() + 2 * cols.saturating_sub(1) <= room;
        let mut widths = natural.clone();
        for (key_floor, location_floor) in [(40, 24), (32, 20), (24, 16), (16, 12), (8, 8)] {
            widths = fit(&natural, &floor(key_floor, location_floor), &rank, room);
            if fits(&widths) {
                break;
            }
        }
        let paint_row = |cells: Vec<String>, heading: bool| -> Vec<String> {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let short = middle(c, widths[i]);
                    let p = if heading {
                        Paint::Heading
                    } else {
                        self.paints.get(i).copied().unwrap_or(Paint::Plain)
                    };
                    paint(p, &short)
                })
                .collect()
        };
        let mut b = Builder::default();
        b.push_record(paint_row(
            self.header.iter().map(|h| h.to_string()).collect(),
            true,
        ));
        for r in &self.rows {
            let mut cells = r.clone();
            cells.resize(cols, String::new());
            b.push_record(paint_row(cells, false));
        }
        let mut table = b.build();
        table
            .with(TableStyle::empty())
            .with(Padding::new(0, 2, 0, 0));
        let pad = " ".repeat(self.indent);
        let mut out = String::new();
        for line in table.to_string().lines() {
            out.push_str(&pad);
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_keeps_both_ends() {
        assert_eq!(middle("abcdefghij", 5), "ab…ij");
        assert_eq!(middle("abc", 5), "abc");
        assert_eq!(middle("a\nb", 10), "a\\nb");
    }

    #[test]
    fn fit_shrinks_by_rank_then_width() {
        assert_eq!(
            fit(&[10, 50, 5], &[8, 8, 5], &[1, 1, 1], 40),
            vec![10, 21, 5]
        );
        assert_eq!(fit(&[10, 50], &[10, 50], &[1, 1], 40), vec![10, 50]);
        // The lower rank gives way first, down to its floor.
        assert_eq!(fit(&[30, 30], &[8, 8], &[2, 0], 40), vec![30, 8]);
    }
}
