//! Where HTTP cases send their requests: an in-process server configured from the case's spec
//! (started in the parent process outside any timing; the child processes that run the
//! strategies get its URL), or the user's `--target`, checked against the spec first.

use shootout_core::{HttpSpec, Target, WorkloadSpec};

pub use shootout_http::server::{
    Injected, PublicConfig, Server, ServerConfig, default_threads as default_server_threads,
};
pub use shootout_http::stop;

/// Keeps the server a case talks to alive; dropping it stops an in-process server.
pub struct TargetGuard {
    target: Target,
    server: Option<Server>,
}

impl TargetGuard {
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// What the in-process server has served and injected so far (`None` for `--target`).
    pub fn injected(&self) -> Option<Injected> {
        self.server.as_ref().map(Server::injected)
    }

    pub fn server(&self) -> Option<&Server> {
        self.server.as_ref()
    }
}

/// The server for `spec`: the user's `--target` when given (after checking that it waits and
/// faults as the spec expects), else an in-process server on 127.0.0.1 with the spec's latency,
/// body size and faults.
pub fn for_spec(spec: &HttpSpec, explicit: Option<&Target>) -> Result<TargetGuard, String> {
    spec.validate().map_err(|e| e.to_string())?;
    if let Some(target) = explicit {
        shootout_http::client::check_server(spec, target)?;
        return Ok(TargetGuard { target: target.clone(), server: None });
    }
    // The server holds one descriptor per client connection.
    shootout_http::ensure_open_files(
        spec.concurrency + shootout_http::SPARE_FILES,
        &format!("the in-process server for --concurrency {}", spec.concurrency),
    )?;
    let server = Server::start(ServerConfig::for_spec(spec))
        .map_err(|e| format!("could not start the in-process HTTP server: {e}"))?;
    Ok(TargetGuard { target: Target::new(server.url()), server: Some(server) })
}
