//! What `apply` would do, app by app, and doing it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use okta_apps::Client;
use okta_apps::models::{Application, ApplicationGroupAssignment};
use serde_json::{Map, Value, json};

use crate::diff::{self, Change};
use crate::doc::{self, AppFile, Assignment};
use crate::org;
use crate::progress::Progress;

/// What is done to one app.
#[derive(Debug, Clone)]
pub enum Action {
    /// A file without `id`: the app is created.
    Create,
    /// These managed members change.
    Update(Vec<Change>),
    /// The app's status goes to ACTIVE.
    Activate,
    /// The app's status goes to INACTIVE.
    Deactivate,
    /// Group assignments are made, changed or removed.
    Assign {
        /// Assignments the file has and the org has not, or has otherwise.
        set: Vec<Assignment>,
        /// Groups the org assigns and the file does not.
        remove: Vec<Assignment>,
    },
    /// An app without a file, with `--prune`.
    Delete,
}

impl Action {
    /// Its name in the JSON plan.
    fn name(&self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update(_) => "update",
            Action::Activate => "activate",
            Action::Deactivate => "deactivate",
            Action::Assign { .. } => "assign",
            Action::Delete => "delete",
        }
    }

    /// The member paths it changes.
    fn members(&self) -> Vec<String> {
        match self {
            Action::Update(changes) => changes.iter().map(|c| c.path.clone()).collect(),
            Action::Activate | Action::Deactivate => vec!["status".to_owned()],
            Action::Assign { set, remove } => set
                .iter()
                .map(|a| format!("groups.{}", a.id))
                .chain(remove.iter().map(|a| format!("groups.{}", a.id)))
                .collect(),
            Action::Create | Action::Delete => Vec::new(),
        }
    }
}

/// One app's part of the plan.
#[derive(Debug, Clone)]
pub struct Step {
    /// The app's id (none before it is created).
    pub id: Option<String>,
    /// Its label.
    pub label: String,
    /// What is done, in order.
    pub actions: Vec<Action>,
    /// Its file, unless it is deleted.
    pub file: Option<AppFile>,
}

/// The whole plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The apps with something to do, in file order, deletions last.
    pub steps: Vec<Step>,
    /// Files that are marked read-only and differ from the org.
    pub skipped: Vec<String>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// `{"changes": [{"id", "label", "action", "members"}, ...]}`.
    pub fn to_json(&self) -> Value {
        let changes: Vec<Value> = self
            .steps
            .iter()
            .flat_map(|step| {
                step.actions.iter().map(|action| {
                    json!({ "id": step.id, "label": step.label, "action": action.name(), "members": action.members() })
                })
            })
            .collect();
        json!({ "changes": changes })
    }

    /// For people: one block per app.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            let id = step.id.as_deref().unwrap_or("new");
            for action in &step.actions {
                let _ = match action {
                    Action::Create => writeln!(out, "+ create {} ({id})", step.label),
                    Action::Delete => writeln!(out, "- delete {} ({id})", step.label),
                    Action::Activate => writeln!(out, "> activate {} ({id})", step.label),
                    Action::Deactivate => writeln!(out, "> deactivate {} ({id})", step.label),
                    Action::Update(changes) => {
                        let _ = writeln!(out, "~ update {} ({id})", step.label);
                        for c in changes {
                            let _ = writeln!(
                                out,
                                "    {}: {} -> {}",
                                c.path,
                                shown(&c.path, &c.old),
                                shown(&c.path, &c.new)
                            );
                        }
                        Ok(())
                    }
                    Action::Assign { set, remove } => {
                        let _ = writeln!(out, "~ assignments of {} ({id})", step.label);
                        for a in set {
                            let _ = writeln!(out, "    + group {}", a.shown());
                        }
                        for a in remove {
                            let _ = writeln!(out, "    - group {}", a.shown());
                        }
                        Ok(())
                    }
                };
            }
        }
        for skipped in &self.skipped {
            let _ = writeln!(out, "! {skipped} is read-only in Okta; its changes are not applied");
        }
        let count = |name: &str| self.steps.iter().flat_map(|s| &s.actions).filter(|a| a.name() == name).count();
        let _ = writeln!(
            out,
            "Plan: {} to create, {} to update, {} to delete, {} lifecycle, {} assignment changes.",
            count("create"),
            count("update"),
            count("delete"),
            count("activate") + count("deactivate"),
            count("assign")
        );
        out
    }
}

/// A value for a plan: a secret member's never shown.
fn shown(path: &str, value: &Value) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    if doc::is_secret(last) { "(secret)".to_owned() } else { value.to_string() }
}

/// Compares the files under `dir` with the org, reading the assignments of
/// `concurrency` apps at a time.
pub async fn make(client: &Client, dir: &Path, prune: bool, concurrency: usize, progress: &Progress) -> Result<Plan> {
    let files = doc::read_dir(dir)?;
    let org = org::apps(client).await?;
    let by_id: BTreeMap<String, &Value> =
        org.iter().filter_map(|app| Some((app.get("id")?.as_str()?.to_owned(), app))).collect();
    // The assignments of the apps whose files manage them, read at once.
    let managed: Vec<(String, String)> = files
        .iter()
        .filter(|f| f.groups.is_some())
        .filter_map(|f| Some((f.label(), f.id().filter(|id| by_id.contains_key(*id))?.to_owned())))
        .collect();
    let mut org_assignments: BTreeMap<String, Vec<Assignment>> = managed
        .iter()
        .map(|(_, id)| id.clone())
        .zip(org::all_assignments(client, &managed, concurrency, progress).await?)
        .collect();
    let mut plan = Plan::default();
    for file in &files {
        let Some(id) = file.id() else {
            plan.steps.push(Step {
                id: None,
                label: file.label(),
                actions: vec![Action::Create],
                file: Some(file.clone()),
            });
            continue;
        };
        let Some(Value::Object(current)) = by_id.get(id).copied() else {
            anyhow::bail!("{}: app {id} is not in the org (leave `id` out to create it)", file.path.display());
        };
        let mut actions = Vec::new();
        let changes = diff::changes(&file.app, current);
        if !changes.is_empty() {
            actions.push(Action::Update(changes));
        }
        let status = |m: &Map<String, Value>| m.get("status").and_then(Value::as_str).map(str::to_owned);
        match (status(&file.app).as_deref(), status(current).as_deref()) {
            (Some("ACTIVE"), Some(now)) if now != "ACTIVE" => actions.push(Action::Activate),
            (Some("INACTIVE"), Some(now)) if now != "INACTIVE" => actions.push(Action::Deactivate),
            _ => {}
        }
        if let Some(groups) = &file.groups {
            let org_groups = org_assignments.remove(id).unwrap_or_default();
            let set: Vec<Assignment> = groups
                .iter()
                .filter(|g| !org_groups.iter().any(|o| o.id == g.id && same_assignment(g, o)))
                .cloned()
                .collect();
            let remove: Vec<Assignment> =
                org_groups.iter().filter(|o| !groups.iter().any(|g| g.id == o.id)).cloned().collect();
            if !set.is_empty() || !remove.is_empty() {
                actions.push(Action::Assign { set, remove });
            }
        }
        if actions.is_empty() {
            continue;
        }
        if file.read_only {
            plan.skipped.push(format!("{} ({id})", file.label()));
            continue;
        }
        plan.steps.push(Step { id: Some(id.to_owned()), label: file.label(), actions, file: Some(file.clone()) });
    }
    if prune {
        for (id, app) in &by_id {
            if files.iter().any(|f| f.id() == Some(id.as_str())) {
                continue;
            }
            let label = app.get("label").and_then(Value::as_str).unwrap_or(id).to_owned();
            plan.steps.push(Step { id: Some(id.clone()), label, actions: vec![Action::Delete], file: None });
        }
    }
    Ok(plan)
}

/// Whether an assignment in a file is what the org has: the priority and
/// profile the file gives (what it leaves out is the org's).
fn same_assignment(file: &Assignment, org: &Assignment) -> bool {
    let priority =
        file.priority.as_ref().is_none_or(|p| org.priority.as_ref().is_some_and(|o| diff::covers("priority", p, o)));
    let profile =
        file.profile.as_ref().is_none_or(|p| diff::covers("profile", p, org.profile.as_ref().unwrap_or(&Value::Null)));
    priority && profile
}

/// Does the plan, app by app; one failing does not stop the others. Returns
/// how many apps failed.
pub async fn apply(client: &Client, plan: &Plan) -> usize {
    let mut failed = 0;
    for step in &plan.steps {
        let id = step.id.as_deref().unwrap_or("new");
        match apply_step(client, step).await {
            Ok(ignored) => {
                eprintln!("done: {} ({id})", step.label);
                for change in ignored {
                    eprintln!(
                        "warning: {} ({id}): the org did not keep {} as written (it reads {})",
                        step.label,
                        change.path,
                        shown(&change.path, &change.old)
                    );
                }
            }
            Err(error) => {
                failed += 1;
                eprintln!("failed: {} ({id}): {error:#}", step.label);
            }
        }
    }
    eprintln!("applied {} of {} apps; {failed} failed", plan.steps.len() - failed, plan.steps.len());
    failed
}

/// Writes a created app's id into its file, so the next plan updates it
/// rather than creating it again.
fn record_id(file: &AppFile, id: &str) -> Result<()> {
    let text = std::fs::read_to_string(&file.path).with_context(|| format!("reading {}", file.path.display()))?;
    let mut value: Value = yaml_serde::from_str(&text).with_context(|| format!("{}: not YAML", file.path.display()))?;
    if let Some(map) = value.as_object_mut() {
        map.insert("id".to_owned(), Value::from(id));
    }
    let text = yaml_serde::to_string(&value).context("writing YAML")?;
    std::fs::write(&file.path, text).with_context(|| format!("writing {}", file.path.display()))
}

/// One app's actions; returns the managed members the org did not keep.
async fn apply_step(client: &Client, step: &Step) -> Result<Vec<Change>> {
    let mut id = step.id.clone();
    let mut written: Option<&AppFile> = None;
    for action in &step.actions {
        match action {
            Action::Create => {
                let file = step.file.as_ref().context("no file")?;
                let mut body = diff::without_markers(&Value::Object(file.app.clone()))?;
                let active = body.get("status").and_then(Value::as_str) != Some("INACTIVE");
                if let Some(map) = body.as_object_mut() {
                    map.remove("status");
                }
                let app: Application = okta_apps::from_value(&body).context("the file is not an app")?;
                let created = client.create_application(app).activate(active).send().await?.into_value();
                id = created.id().map(str::to_owned);
                if let Some(new_id) = &id {
                    record_id(file, new_id)?;
                }
                written = Some(file);
            }
            Action::Update(_) => {
                let (file, app_id) = (step.file.as_ref().context("no file")?, id.as_deref().context("no id")?);
                let current = client.get_application(app_id).send().await?.into_value();
                let Value::Object(mut merged) = serde_json::to_value(&current).context("encoding the app")? else {
                    anyhow::bail!("the org's app is not an object");
                };
                let mut managed = file.app.clone();
                managed.remove("status");
                diff::overlay(&mut merged, &managed)?;
                let app: Application = okta_apps::from_value(&Value::Object(merged)).context("the merged app")?;
                client.replace_application(app_id, app).send().await?;
                written = Some(file);
            }
            Action::Activate => {
                client.activate_application(id.as_deref().context("no id")?).send().await?;
            }
            Action::Deactivate => {
                client.deactivate_application(id.as_deref().context("no id")?).send().await?;
            }
            Action::Assign { set, remove } => {
                let app_id = id.as_deref().context("no id")?;
                for a in set {
                    let body = ApplicationGroupAssignment {
                        priority: a.priority.as_ref().and_then(Value::as_i64),
                        profile: a.profile.as_ref().and_then(Value::as_object).cloned(),
                        ..Default::default()
                    };
                    client.assign_group_to_application(app_id, &a.id).body(body).send().await?;
                }
                for group in remove {
                    client.unassign_application_from_group(app_id, &group.id).send().await?;
                }
            }
            Action::Delete => {
                let app_id = id.as_deref().context("no id")?;
                let current = client.get_application(app_id).send().await?.into_value();
                if current.status().map(|s| s.as_str()) != Some("INACTIVE") {
                    client.deactivate_application(app_id).send().await?;
                }
                client.delete_application(app_id).send().await?;
            }
        }
    }
    // Read back what was written: Okta ignores some writes without a word.
    match (written, id.as_deref()) {
        (Some(file), Some(app_id)) => {
            let back = client.get_application(app_id).send().await?.into_value();
            let Value::Object(back) = serde_json::to_value(&back).context("encoding the app")? else {
                return Ok(Vec::new());
            };
            Ok(diff::changes(&file.app, &back))
        }
        _ => Ok(Vec::new()),
    }
}
