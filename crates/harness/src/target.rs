//! Where HTTP cases send their requests. Not built yet: the HTTP issue fills this module with
//! the in-process server (started once per distinct server configuration, outside timing).

use shootout_core::{HttpSpec, Target};

/// Keeps the server a case talks to alive; dropping it stops an in-process server.
pub struct TargetGuard {
    target: Target,
}

impl TargetGuard {
    pub fn target(&self) -> &Target {
        &self.target
    }
}

/// The server for `spec`: the user's `--target` when given, else an in-process server
/// configured as the spec says.
pub fn for_spec(spec: &HttpSpec, explicit: Option<&Target>) -> Result<TargetGuard, String> {
    match explicit {
        Some(target) => Ok(TargetGuard { target: target.clone() }),
        None => Err(format!("the HTTP workload is not built yet ({} requests)", spec.requests)),
    }
}
