use shootout_core::{InFlight, RunError, SleepMode, SleepOutcome, SleepSpec};

/// N spawned tasks. Timer mode awaits `tokio::time::sleep`; blocking mode is `to_thread`:
/// each task awaits `spawn_blocking(thread::sleep)`, so no worker ever blocks.
pub(crate) fn run(strategy: &crate::Tokio, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting = InFlight::new();
    let d = spec.duration;
    let rt = strategy.runtime();
    let handles = (0..spec.tasks)
        .map(|id| {
            let waiting = waiting.clone();
            match spec.mode {
                SleepMode::Timer => rt.spawn(async move {
                    let _waiting = waiting.enter_owned();
                    tokio::time::sleep(d).await;
                    Ok(id)
                }),
                SleepMode::Blocking => rt.spawn(async move {
                    tokio::task::spawn_blocking(move || {
                        let _waiting = waiting.enter_owned();
                        std::thread::sleep(d);
                        id
                    })
                    .await
                }),
            }
        })
        .collect();
    let ids = strategy
        .join_all(handles)?
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| RunError::failed(format!("tokio blocking task failed: {e}")))?;
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
