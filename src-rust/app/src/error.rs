use intake_core::{Error, ErrorBody};
use serde::Serialize;

/// The one error shape the window sees: `{code, message}`. The internal detail is logged here
/// and never crosses IPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IpcError(pub ErrorBody);

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        let body = e.body();
        tracing::warn!(code = %body.code, detail = %e, "command failed");
        Self(body)
    }
}

impl IpcError {
    pub fn internal() -> Self {
        Self(ErrorBody {
            code: "internal".into(),
            message: "Something went wrong. Try again; if it keeps happening, restart Intake Desk."
                .into(),
        })
    }
}
