//! API errors: a status, a message and the field it is about, always as JSON.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A client error the API answers with `{"error", "field"}`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// HTTP status (4xx).
    pub status: StatusCode,
    /// What is wrong, with the value and what is allowed.
    pub message: String,
    /// The request field it concerns, when one does.
    pub field: Option<String>,
    /// For a name that matches nothing well enough: catalog names that come close, as
    /// "Name (id)".
    pub suggestions: Vec<String>,
}

impl ApiError {
    /// 400 about `field`.
    pub fn bad(field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            field: field.map(str::to_string),
            suggestions: vec![],
        }
    }

    /// 404.
    pub fn not_found(field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            field: field.map(str::to_string),
            suggestions: vec![],
        }
    }

    /// An invalid setup, in the front-end's naming.
    pub fn from_setup(e: &ampmatch_app::SetupError, naming: ampmatch_app::Naming) -> Self {
        let (field, message) = e.render(naming);
        Self::bad(Some(&field), message)
    }

    /// A use-case error about a request field (`amp`, `load`).
    pub fn from_app(field: &str, e: ampmatch_app::Error) -> Self {
        use ampmatch_app::Error as E;
        match e {
            E::Catalog(c) => Self::from_catalog(field, c),
            E::Output(m) => Self::bad(Some("output"), m),
            E::Gain(m) => Self::bad(Some("gain"), m),
            E::Enclosure(c) => Self::bad(Some("enclosure"), c.to_string()),
            E::Setup(s) => Self::from_setup(&s, ampmatch_app::Naming::Api),
        }
    }

    /// A catalog error about a request field: unknown names are 404, the rest 400.
    pub fn from_catalog(field: &str, e: ampmatch_catalog::Error) -> Self {
        match e {
            ampmatch_catalog::Error::NotFound {
                ref suggestions, ..
            } => {
                let mut err = Self::not_found(Some(field), e.to_string());
                err.suggestions = suggestions.clone();
                err
            }
            ampmatch_catalog::Error::Ambiguous { ref candidates, .. } => {
                let mut err = Self::bad(Some(field), e.to_string());
                err.suggestions = candidates.clone();
                err
            }
            other => Self::bad(Some(field), other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(if self.suggestions.is_empty() {
                json!({ "error": self.message, "field": self.field })
            } else {
                json!({ "error": self.message, "field": self.field, "suggestions": self.suggestions })
            }),
        )
            .into_response()
    }
}
