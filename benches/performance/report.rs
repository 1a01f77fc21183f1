//! The table the benchmark ends with: every figure, its target, and whether it is met.

use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Shown for context; has no target of its own.
    Info,
}

pub struct Figure {
    pub name: String,
    pub measured: String,
    pub target: String,
    pub verdict: Verdict,
}

#[derive(Default)]
pub struct Report {
    figures: Vec<Figure>,
}

impl Report {
    /// A figure with a target: passes when `met`.
    pub fn target(&mut self, name: &str, measured: String, target: &str, met: bool) {
        let verdict = if met { Verdict::Pass } else { Verdict::Fail };
        self.push(name, measured, target, verdict);
    }

    /// A figure shown for context.
    pub fn info(&mut self, name: &str, measured: String) {
        self.push(name, measured, "", Verdict::Info);
    }

    /// A figure that could not be measured in this run: it counts as missed.
    pub fn missing(&mut self, name: &str, why: &str, target: &str) {
        self.push(name, format!("not measured: {why}"), target, Verdict::Fail);
    }

    fn push(&mut self, name: &str, measured: String, target: &str, verdict: Verdict) {
        println!("  {name}: {measured}");
        self.figures.push(Figure {
            name: name.to_owned(),
            measured,
            target: target.to_owned(),
            verdict,
        });
    }

    pub fn all_met(&self) -> bool {
        self.figures.iter().all(|f| f.verdict != Verdict::Fail)
    }

    /// The table, in columns wide enough for their longest cell.
    pub fn table(&self) -> String {
        let header = ["figure", "measured", "target", "result"];
        let rows: Vec<[&str; 4]> = self
            .figures
            .iter()
            .map(|f| {
                let verdict = match f.verdict {
                    Verdict::Pass => "PASS",
                    Verdict::Fail => "FAIL",
                    Verdict::Info => "info",
                };
                [
                    f.name.as_str(),
                    f.measured.as_str(),
                    f.target.as_str(),
                    verdict,
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 4]| {
            let mut text = String::from("|");
            for (cell, width) in cells.iter().zip(widths) {
                let pad = width - cell.chars().count();
                let _ = write!(text, " {cell}{} |", " ".repeat(pad));
            }
            text.push('\n');
            text
        };
        let mut table = line(header);
        table.push_str(&line(widths.map(|_| "")).replace(' ', "-"));
        for row in rows {
            table.push_str(&line(row));
        }
        table
    }
}
