//! The few Graph API requests the set-up screen makes: each returns Meta's JSON or a problem
//! already explained. Nothing here logs the token, a phone number, a wamid (it encodes the
//! recipient's number) or Meta's error text; only the step, the HTTP status and Meta's codes.
use std::time::Duration;

use serde_json::Value;

use super::explain::explain;
use super::problem::{MetaError, SetupProblem, Step};
use crate::sender::GraphConfig;

/// The admin is watching a spinner: Meta answers these in well under a second, so waiting longer
/// than this only delays the "check your connection" advice.
const TIMEOUT: Duration = Duration::from_secs(15);

pub(crate) fn url(graph: &GraphConfig, path: &[&str]) -> String {
    let mut url = format!(
        "{}/{}",
        graph.base_url.trim_end_matches('/'),
        graph.version.trim_matches('/')
    );
    for segment in path {
        url.push('/');
        url.push_str(segment);
    }
    url
}

fn client() -> Result<reqwest::Client, SetupProblem> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(|_| {
            tracing::error!("cannot build the HTTP client for the WhatsApp set-up check");
            SetupProblem::internal()
        })
}

pub(super) async fn get(
    graph: &GraphConfig,
    path: &[&str],
    query: &[(&str, &str)],
    step: Step,
) -> Result<Value, SetupProblem> {
    // Url encodes the query itself: reqwest's `query` needs a feature this crate leaves off.
    let url = reqwest::Url::parse_with_params(&url(graph, path), query).map_err(|_| {
        tracing::error!("the Graph API base URL is not a URL");
        SetupProblem::internal()
    })?;
    send(client()?.get(url), graph, step).await
}

/// A GET of a whole URL (a `paging.next` the caller has checked points at `graph.base_url`'s
/// host), with Meta's errors explained by `explain`.
pub(crate) async fn get_url_with(
    graph: &GraphConfig,
    url: reqwest::Url,
    step: &'static str,
    explain: impl Fn(&MetaError) -> SetupProblem,
) -> Result<Value, SetupProblem> {
    send_with(client()?.get(url), graph, step, explain).await
}

/// A POST, with Meta's errors explained by `explain` (for callers whose codes mean something
/// else than in the set-up checks).
pub(crate) async fn post_with(
    graph: &GraphConfig,
    path: &[&str],
    body: &Value,
    step: &'static str,
    explain: impl Fn(&MetaError) -> SetupProblem,
) -> Result<Value, SetupProblem> {
    send_with(
        client()?.post(url(graph, path)).json(body),
        graph,
        step,
        explain,
    )
    .await
}

pub(super) async fn post(
    graph: &GraphConfig,
    path: &[&str],
    body: &Value,
    step: Step,
) -> Result<Value, SetupProblem> {
    let request = client()?.post(url(graph, path)).json(body);
    send(request, graph, step).await
}

async fn send(
    request: reqwest::RequestBuilder,
    graph: &GraphConfig,
    step: Step,
) -> Result<Value, SetupProblem> {
    send_with(request, graph, step.name(), |e| explain(step, e)).await
}

async fn send_with(
    request: reqwest::RequestBuilder,
    graph: &GraphConfig,
    step: &'static str,
    explain: impl Fn(&MetaError) -> SetupProblem,
) -> Result<Value, SetupProblem> {
    let unreachable = |e: reqwest::Error| {
        // reqwest's text names the URL; the kind is all the log needs.
        tracing::warn!(
            step = step,
            timeout = e.is_timeout(),
            connect = e.is_connect(),
            "Graph API unreachable during the WhatsApp set-up"
        );
        SetupProblem::no_network()
    };
    let response = request
        .bearer_auth(&*graph.token)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(unreachable)?;
    let json: Option<Value> = serde_json::from_slice(&bytes).ok();
    if status.is_success() {
        return json.ok_or_else(|| {
            tracing::warn!(
                step = step,
                status = status.as_u16(),
                "Graph API answered the set-up check with something other than JSON"
            );
            SetupProblem::unexpected_answer()
        });
    }
    let error = MetaError::parse(status.as_u16(), json.as_ref());
    // fbtrace_id is Meta's opaque request id, what Meta's support asks for; nothing personal.
    let trace = json
        .as_ref()
        .and_then(|j| j.pointer("/error/fbtrace_id"))
        .and_then(Value::as_str)
        .map(|t| t.chars().take(64).collect::<String>());
    tracing::warn!(
        step = step,
        status = status.as_u16(),
        code = error.code,
        subcode = error.subcode,
        fbtrace_id = trace.as_deref(),
        "Graph API refused a WhatsApp set-up call"
    );
    Err(explain(&error))
}
