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

/// Answers `rows` (under `headers`) in the asked format; JSON by default.
pub fn respond<T: Serialize>(
    format: Option<&str>,
    name: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    json: impl FnOnce() -> T,
) -> Result<Download<T>, AppError> {
    let attachment = |extension: &str| {
        Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{name}.{extension}\""),
        )
    };
    match format.map(str::trim).unwrap_or("json") {
        "" | "json" => Ok(Download::Json(Json(json()))),
        "csv" => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let fail = |e: csv::Error| AppError::internal(format!("csv: {e}"));
            writer.write_record(headers).map_err(fail)?;
            for row in rows {
                writer
                    .write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
                    .map_err(fail)?;
            }
            let bytes = writer
                .into_inner()
                .map_err(|e| AppError::internal(format!("csv: {e}")))?;
            Ok(Download::File(Box::new(File {
                body: bytes,
                content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
                disposition: attachment("csv"),
            })))
        }
        "xlsx" => {
            let fail = |e: rust_xlsxwriter::XlsxError| AppError::internal(format!("xlsx: {e}"));
            let mut workbook = rust_xlsxwriter::Workbook::new();
            let sheet = workbook.add_worksheet();
            for (column, header) in headers.iter().enumerate() {
                sheet
                    .write_string(0, column as u16, *header)
                    .map_err(fail)?;
            }
            for (index, row) in rows.enumerate() {
                for (column, value) in row.iter().enumerate() {
                    sheet
                        .write_string(index as u32 + 1, column as u16, value)
                        .map_err(fail)?;
                }
            }
            let bytes = workbook.save_to_buffer().map_err(fail)?;
            Ok(Download::File(Box::new(File {
                body: bytes,
                content_type: ContentType::new(
                    "application",
                    "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                disposition: attachment("xlsx"),
            })))
        }
        _ => Err(AppError::invalid(
            "format",
            Message::new("field-format-invalid"),
        )),
    }
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
