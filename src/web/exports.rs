//! Lists as files: `?format=csv` or `?format=xlsx` gives the same rows as the JSON list.

use rocket::http::{ContentType, Header};
use rocket::response::Responder;
use rocket::serde::json::Json;
use serde::Serialize;

use crate::error::{AppError, Message};

/// A list answered as JSON or as a file.
#[derive(Responder)]
pub enum Download<T: Serialize> {
    Json(Json<T>),
    File(Box<File>),
}

/// A file to download: its bytes, type and name.
#[derive(Responder)]
pub struct File {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

/// One column of a file: its header, and how a row fills its cell. An export is a table of
/// these, so that a header and its cells are written side by side and cannot drift apart.
pub struct Column<R> {
    pub header: &'static str,
    pub cell: fn(&R) -> String,
}

impl<R> Column<R> {
    pub const fn new(header: &'static str, cell: fn(&R) -> String) -> Self {
        Column { header, cell }
    }
}

/// The cell of a value that may be missing: blank when it is.
pub fn or_blank<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

/// The cell of a value that serialises as a code (a status, a tier), as in the JSON.
pub fn code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Answers `rows` in the asked format (JSON by default): `json()` for JSON, else a CSV file or
/// a spreadsheet named `name`, one line per row, under `columns`.
pub fn respond<R, T: Serialize>(
    format: Option<&str>,
    name: &str,
    columns: &[Column<R>],
    rows: &[R],
    json: impl FnOnce() -> T,
) -> Result<Download<T>, AppError> {
    let headers = columns.iter().map(|c| c.header);
    let cells = rows
        .iter()
        .map(|row| columns.iter().map(|c| (c.cell)(row)).collect::<Vec<_>>());
    let attachment = |extension: &str| {
        Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{name}.{extension}\""),
        )
    };
    match format.map(str::trim).unwrap_or("json") {
        "" | "json" => Ok(Download::Json(Json(json()))),
        "csv" => Ok(Download::File(Box::new(File {
            body: csv(headers, cells)?,
            content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
            disposition: attachment("csv"),
        }))),
        "xlsx" => Ok(Download::File(Box::new(File {
            body: xlsx(headers, cells)?,
            content_type: ContentType::new(
                "application",
                "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            disposition: attachment("xlsx"),
        }))),
        _ => Err(AppError::invalid(
            "format",
            Message::new("field-format-invalid"),
        )),
    }
}

fn csv<'h>(
    headers: impl Iterator<Item = &'h str>,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, AppError> {
    let fail = |e: csv::Error| AppError::internal(format!("csv: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(headers).map_err(fail)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
            .map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::internal(format!("csv: {e}")))
}

/// A one-sheet workbook where every cell is a string, which no spreadsheet evaluates.
fn xlsx<'h>(
    headers: impl Iterator<Item = &'h str>,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, AppError> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::internal(format!("xlsx: {e}"));
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in headers.enumerate() {
        sheet.write_string(0, column as u16, header).map_err(fail)?;
    }
    for (index, row) in rows.enumerate() {
        for (column, value) in row.iter().enumerate() {
            sheet
                .write_string(index as u32 + 1, column as u16, value)
                .map_err(fail)?;
        }
    }
    workbook.save_to_buffer().map_err(fail)
}

/// A CSV cell a spreadsheet will not run as a formula (CSV injection): text that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`. Numbers (`-2`, a gap)
/// stay numbers. XLSX cells are written as strings, which no spreadsheet evaluates.
fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for cell in [
            "=1+1",
            "+SUM(A1)",
            "-2+3",
            "@cmd",
            "\tx",
            "\r=1",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(neutralised(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["-2", "+3.5", "Anne-Marie", "a=b", "", "12"] {
            assert_eq!(neutralised(cell), cell, "{cell:?}");
        }
    }
}
