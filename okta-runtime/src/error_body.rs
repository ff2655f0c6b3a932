//! The error body every Okta API answers a failed request with. Written by
//! hand here, since every spec of Okta's shares it; members Okta adds later
//! are kept, as in any generated model.

/// The error body Okta returns with a failed request: `errorCode`,
/// `errorSummary`, `errorLink`, `errorId` and `errorCauses`.
///
/// ```
/// let body = r#"{"errorCode":"E0000001","errorSummary":"Api validation failed: label",
///     "errorLink":"E0000001","errorId":"oae1","errorCauses":[{"errorSummary":"label: required"}],
///     "extra":1}"#;
/// let error: okta_runtime::ErrorBody = okta_runtime::from_str(body)?;
/// assert_eq!(error.error_code.as_deref(), Some("E0000001"));
/// assert_eq!(error.causes(), ["label: required"]);
/// assert_eq!(error.additional_properties["extra"], 1);
/// # Ok::<(), okta_runtime::DecodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ErrorBody {
    /// More detailed causes, if any. Sent as `errorCauses`.
    pub error_causes: Option<Vec<ErrorCause>>,
    /// Okta's error code, such as `E0000007`. Sent as `errorCode`.
    pub error_code: Option<String>,
    /// The ID of this occurrence, for Okta Support. Sent as `errorId`.
    pub error_id: Option<String>,
    /// A link or code naming the kind of error. Sent as `errorLink`.
    pub error_link: Option<String>,
    /// A summary of the error for people. Sent as `errorSummary`.
    pub error_summary: Option<String>,
    /// Members not listed here, kept as sent.
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

crate::object_impls!(
    ErrorBody { error_causes = "errorCauses", error_code = "errorCode", error_id = "errorId",
    error_link = "errorLink", error_summary = "errorSummary", ..additional_properties }
);

/// One cause of an error.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ErrorCause {
    /// A summary of the cause for people. Sent as `errorSummary`.
    pub error_summary: Option<String>,
    /// Members not listed here, kept as sent.
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

crate::object_impls!(ErrorCause { error_summary = "errorSummary", ..additional_properties });

impl ErrorBody {
    /// The summaries of the causes, in order; causes without one are left out.
    pub fn causes(&self) -> Vec<&str> {
        self.error_causes.iter().flatten().filter_map(|c| c.error_summary.as_deref()).collect()
    }
}
