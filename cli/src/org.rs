//! Reading the org with the fewest requests: one paged listing of every app
//! (200 a page), then one listing of each app's group assignments, with the
//! groups embedded for their names, several at once.

use anyhow::{Context, Result};
use futures_util::{StreamExt as _, TryStreamExt as _};
use okta_apps::Client;
use serde_json::Value;

use crate::doc::Assignment;
use crate::progress::Progress;

/// Every app of the org, as JSON exactly as the org sent it.
pub async fn apps(client: &Client) -> Result<Vec<Value>> {
    let apps: Vec<_> = client.list_applications().limit(200).stream().try_collect().await.context("listing apps")?;
    apps.iter().map(|app| serde_json::to_value(app).context("encoding an app")).collect()
}

/// The app's group assignments, each with its group's name.
pub async fn assignments(client: &Client, id: &str) -> Result<Vec<Assignment>> {
    let found: Vec<_> =
        client.list_application_group_assignments(id).limit(200).expand("group").stream().try_collect().await?;
    Ok(found
        .into_iter()
        .filter_map(|a| {
            let name = a
                .embedded
                .as_ref()
                .and_then(|e| e.get("group")?.get("profile")?.get("name")?.as_str())
                .map(str::to_owned);
            Some(Assignment {
                id: a.id?,
                name,
                priority: a.priority.map(Value::from),
                profile: a.profile.filter(|p| !p.is_empty()).map(Value::Object),
            })
        })
        .collect())
}

/// The group assignments of each app of `ids` (label and id), in their
/// order, `concurrency` apps at a time; every app that fails is named.
pub async fn all_assignments(
    client: &Client,
    ids: &[(String, String)],
    concurrency: usize,
    progress: &Progress,
) -> Result<Vec<Vec<Assignment>>> {
    progress.start("reading assignments", ids.len() as u64);
    let results: Vec<Result<Vec<Assignment>>> = futures_util::stream::iter(ids)
        .map(|(label, id)| async move {
            let found = if id.is_empty() {
                Ok(Vec::new())
            } else {
                assignments(client, id)
                    .await
                    .with_context(|| format!("listing the group assignments of {label} ({id})"))
            };
            progress.step();
            found
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    progress.finish();
    let mut out = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(found) => out.push(found),
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    match failures.len() {
        0 => Ok(out),
        1 => Err(anyhow::anyhow!(failures.remove(0))),
        n => Err(anyhow::anyhow!("{n} apps failed:\n  {}", failures.join("\n  "))),
    }
}
