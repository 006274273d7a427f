use shootout_core::{InFlight, RunError, SleepMode, SleepOutcome, SleepSpec};

/// N spawned tasks. Timer mode awaits `async_std::task::sleep`; blocking mode awaits
/// `async_std::task::spawn_blocking(thread::sleep)`.
pub(crate) fn run(strategy: &crate::AsyncStd, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting = InFlight::new();
    let d = spec.duration;
    let handles = (0..spec.tasks)
        .map(|id| {
            let waiting = waiting.clone();
            match spec.mode {
                SleepMode::Timer => async_std::task::spawn(async move {
                    let _waiting = waiting.enter_owned();
                    async_std::task::sleep(d).await;
                    id
                }),
                SleepMode::Blocking => async_std::task::spawn(async move {
                    async_std::task::spawn_blocking(move || {
                        let _waiting = waiting.enter_owned();
                        std::thread::sleep(d);
                        id
                    })
                    .await
                }),
            }
        })
        .collect();
    let ids = strategy.join_all(handles);
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
