//! The Excel workbook: an "Intakes" sheet streamed row by row in constant-memory mode (100,000
//! intakes must not sit in memory), then a small "Columns" sheet explaining each column.
//!
//! Every answer is written as a string cell, never through `write()`: that would turn a
//! patient's "=HYPERLINK(…)" into a live formula. Dates and times are real Excel dates so they
//! sort and filter as dates.
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rust_xlsxwriter::{
    ColNum, DocProperties, Format, FormatAlign, RowNum, Workbook, Worksheet, XlsxError,
};

use super::columns::{Cell, Intake, Kind};
use super::{ExportError, Layout, Sink};
use crate::form::Tag;

/// Excel refuses longer cells; it counts UTF-16 units, as `rust_xlsxwriter` checks.
const MAX_CELL_UNITS: usize = 32_767;
/// Widths in Excel's character units.
const DATE_WIDTH: usize = 10;
const DATETIME_WIDTH: usize = 16;
/// Room for the autofilter drop-down arrow next to a header.
const FILTER_ARROW: usize = 3;
const HEADER_CAP: usize = 60;
/// Excel's default column width, about 8.43 characters.
const MIN_WIDTH: usize = 8;
/// Level 3 is what Excel itself uses: about a third faster than the default 6 for a file
/// about 5% larger, which matters for a 100,000-row export.
const ZIP_LEVEL: u8 = 3;

pub(crate) struct XlsxSink {
    workbook: Workbook,
    file: File,
    /// The next row to write on the first sheet.
    row: RowNum,
    /// Per column: the widest line seen so far, in chars, never past the column's cap.
    widths: Vec<usize>,
    caps: Vec<usize>,
    kinds: Vec<Kind>,
    date: Format,
    datetime: Format,
}

fn pick<'a>(lang: &str, en: &'a str, es: &'a str) -> &'a str {
    if lang == "es" {
        es
    } else {
        en
    }
}

/// A temp-file error names its folder, which may be named after a patient; the error kind
/// alone is enough for the message shown at the desk.
fn xlsx_err(e: XlsxError) -> ExportError {
    match e {
        XlsxError::TempFileError(_, io) => ExportError::Io(io),
        other => ExportError::Xlsx(other),
    }
}

/// The longest prefix Excel accepts, cut on a char boundary. Answers are far shorter; this
/// only keeps a freak value from failing the whole export.
pub(super) fn fit(s: &str) -> &str {
    // UTF-16 never needs more units than UTF-8 needs bytes.
    if s.len() <= MAX_CELL_UNITS {
        return s;
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_UNITS {
            return &s[..i];
        }
    }
    s
}

/// The longest line of `s` in chars, counting no further than `cap`: the width only needs to
/// know whether the cap is reached, and long answers should not cost a full scan.
fn line_width(s: &str, cap: usize) -> usize {
    let (mut best, mut line) = (0, 0);
    for c in s.chars() {
        if c == '\n' {
            line = 0;
            continue;
        }
        line += 1;
        if line > best {
            best = line;
            if best >= cap {
                break;
            }
        }
    }
    best
}

fn digits(n: i64) -> usize {
    let sign = usize::from(n < 0);
    sign + n
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |l| l as usize + 1)
}

fn cap_of(kind: Kind) -> usize {
    match kind {
        Kind::Text | Kind::LongText => 60,
        Kind::Code => 30,
        Kind::Date => DATE_WIDTH,
        Kind::DateTime => DATETIME_WIDTH,
        Kind::Number => 15,
    }
}

fn col_num(i: usize) -> Result<ColNum, ExportError> {
    ColNum::try_from(i).map_err(|_| ExportError::Xlsx(XlsxError::RowColumnLimitError))
}

impl XlsxSink {
    pub(crate) fn new(layout: &Layout, file: File, dir: &Path) -> Result<XlsxSink, ExportError> {
        let lang = layout.lang.as_str();
        let mut workbook = Workbook::new();
        // Constant-memory sheets spill rows to a temp file. Next to the destination, it lands
        // on the disk the user chose, not on a system temp that may be small, shared or on
        // another volume; and it is unnamed, so nothing is left if the app dies.
        workbook.set_tempdir(dir).map_err(xlsx_err)?;
        workbook.set_zip_compression_level(ZIP_LEVEL);
        let title = pick(lang, "Patient intakes", "Admisiones de pacientes");
        workbook.set_properties(
            &DocProperties::new()
                .set_title(title)
                .set_author("Intake Desk")
                .set_company(&layout.clinic_name),
        );

        let top = Format::new().set_align(FormatAlign::Top);
        let date = top.clone().set_num_format("yyyy-mm-dd");
        let datetime = top.clone().set_num_format("yyyy-mm-dd hh:mm");
        let bold = Format::new().set_bold();
        let kinds: Vec<Kind> = layout.columns.iter().map(|c| c.kind).collect();
        let caps: Vec<usize> = kinds.iter().map(|k| cap_of(*k)).collect();

        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_err)?;
        sheet.set_name(pick(lang, "Intakes", "Admisiones"))?;
        sheet.set_freeze_panes(1, 0)?;
        for (i, col) in layout.columns.iter().enumerate() {
            let c = col_num(i)?;
            // Column formats style every unformatted cell as it is flushed, so `write` needs
            // no per-cell format lookup. Rows are top-aligned to line up with wrapped text.
            let format = match col.kind {
                Kind::LongText => top.clone().set_text_wrap(),
                // "@": a value typed in later stays text too (no 3.46E+10, '+' kept).
                Kind::Code => top.clone().set_num_format("@"),
                Kind::Date => date.clone(),
                Kind::DateTime => datetime.clone(),
                Kind::Text | Kind::Number => top.clone(),
            };
            sheet.set_column_format(c, &format)?;
            sheet.write_string_with_format(0, c, fit(&col.header), &bold)?;
        }
        // A header is never cut off, whatever its column's cap.
        let widths = layout
            .columns
            .iter()
            .map(|col| (line_width(&col.header, HEADER_CAP) + FILTER_ARROW).max(MIN_WIDTH))
            .collect();

        describe_columns(workbook.add_worksheet(), layout, &bold)?;

        Ok(XlsxSink {
            workbook,
            file,
            row: 1,
            widths,
            caps,
            kinds,
            date,
            datetime,
        })
    }
}

/// The second sheet: what each column holds, for whoever opens the file months later.
fn describe_columns(
    sheet: &mut Worksheet,
    layout: &Layout,
    bold: &Format,
) -> Result<(), ExportError> {
    let lang = layout.lang.as_str();
    sheet.set_name(pick(lang, "Columns", "Columnas"))?;
    let heads = [
        pick(lang, "Column", "Columna"),
        pick(lang, "Description", "Descripción"),
        pick(lang, "Type", "Tipo"),
        pick(lang, "Section", "Sección"),
        pick(lang, "Language", "Idioma"),
        pick(lang, "Notes", "Notas"),
    ];
    for (c, head) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, col_num(c)?, *head, bold)?;
    }
    let tz = layout.tz.describe(layout.now_ms);
    let local_time = match lang {
        "es" => format!("Hora local ({tz}), al minuto"),
        _ => format!("Local time ({tz}), to the minute"),
    };
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let top = Format::new().set_align(FormatAlign::Top);
    for (i, col) in layout.columns.iter().enumerate() {
        let r = RowNum::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        let section = match col.tag {
            Tag::Demographic => pick(lang, "Demographic", "Demográfico"),
            Tag::Clinical => pick(lang, "Clinical", "Clínico"),
        };
        let notes = match col.kind {
            Kind::DateTime => local_time.as_str(),
            Kind::Date => pick(lang, "Date (yyyy-mm-dd)", "Fecha (aaaa-mm-dd)"),
            Kind::Code => pick(
                lang,
                "Text, so leading '+' and zeros are kept",
                "Texto, para conservar el '+' y los ceros iniciales",
            ),
            Kind::LongText => pick(
                lang,
                "Free text; may span several lines",
                "Texto libre; puede ocupar varias líneas",
            ),
            Kind::Text | Kind::Number => "",
        };
        sheet.write_string_with_format(r, 0, fit(&col.header), &top)?;
        sheet.write_string_with_format(r, 1, fit(&col.description), &wrap)?;
        sheet.write_string_with_format(r, 2, col.type_name, &top)?;
        sheet.write_string_with_format(r, 3, section, &top)?;
        sheet.write_string_with_format(r, 4, lang, &top)?;
        sheet.write_string_with_format(r, 5, notes, &wrap)?;
    }
    for (c, width) in [28, 60, 12, 14, 10, 40].into_iter().enumerate() {
        sheet.set_column_width(col_num(c)?, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

impl Sink for XlsxSink {
    fn write(&mut self, _: &Layout, _: &Intake, cells: &[Cell]) -> Result<(), ExportError> {
        let row = self.row;
        let sheet = self.workbook.worksheet_from_index(0)?;
        for (i, cell) in cells.iter().enumerate() {
            let c = col_num(i)?;
            // Cells that do not match their column's kind (an answer from an older form
            // version where the question had another type) carry their own format.
            let kind = self.kinds.get(i).copied();
            let seen = match cell {
                Cell::Empty => 0,
                Cell::Text(s) => {
                    let s = fit(s);
                    sheet.write_string(row, c, s)?;
                    line_width(s, self.caps.get(i).copied().unwrap_or(60))
                }
                Cell::Date(d) if kind == Some(Kind::Date) => {
                    sheet.write_datetime(row, c, d)?;
                    DATE_WIDTH
                }
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(row, c, d, &self.date)?;
                    DATE_WIDTH
                }
                Cell::DateTime(t) if kind == Some(Kind::DateTime) => {
                    sheet.write_datetime(row, c, t)?;
                    DATETIME_WIDTH
                }
                Cell::DateTime(t) => {
                    sheet.write_datetime_with_format(row, c, t, &self.datetime)?;
                    DATETIME_WIDTH
                }
                Cell::Number(n) => {
                    // Answers are small integers; f64 holds every integer up to 2^53 exactly.
                    sheet.write_number(row, c, *n as f64)?;
                    digits(*n)
                }
            };
            if let Some(w) = self.widths.get_mut(i) {
                *w = (*w).max(seen);
            }
        }
        self.row = row
            .checked_add(1)
            .ok_or(ExportError::Xlsx(XlsxError::RowColumnLimitError))?;
        Ok(())
    }

    fn finish(self: Box<Self>, layout: &Layout) -> Result<(), ExportError> {
        let XlsxSink {
            mut workbook,
            file,
            row,
            widths,
            ..
        } = *self;
        let sheet = workbook.worksheet_from_index(0)?;
        if let Some(last_col) = layout.columns.len().checked_sub(1) {
            sheet.autofilter(0, 0, row.saturating_sub(1), col_num(last_col)?)?;
        }
        for (i, w) in widths.iter().enumerate() {
            // +1 for the cell's padding.
            sheet.set_column_width(col_num(i)?, (*w + 1) as f64)?;
        }
        let mut out = BufWriter::with_capacity(256 * 1024, &file);
        workbook.save_to_writer(&mut out).map_err(xlsx_err)?;
        out.flush()?;
        drop(out);
        file.sync_all()?;
        Ok(())
    }
}
