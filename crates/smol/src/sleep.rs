use shootout_core::{InFlight, RunError, SleepMode, SleepOutcome, SleepSpec};

/// N tasks on the executor. Timer mode awaits `smol::Timer::after`; blocking mode awaits
/// `smol::unblock(thread::sleep)`.
pub(crate) fn run(strategy: &crate::Smol, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting = InFlight::new();
    let d = spec.duration;
    let ex = strategy.executor();
    let tasks = (0..spec.tasks)
        .map(|id| {
            let waiting = waiting.clone();
            match spec.mode {
                SleepMode::Timer => ex.spawn(async move {
                    let _waiting = waiting.enter_owned();
                    smol::Timer::after(d).await;
                    id
                }),
                SleepMode::Blocking => ex.spawn(async move {
                    smol::unblock(move || {
                        let _waiting = waiting.enter_owned();
                        std::thread::sleep(d);
                        id
                    })
                    .await
                }),
            }
        })
        .collect();
    let ids = strategy.join_all(tasks);
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
