//! The sleep workload on any async runtime: N spawned tasks, gathered in order. Timer mode
//! awaits the runtime's sleep; blocking mode is `asyncio.to_thread`: each task awaits
//! `spawn_blocking(thread::sleep)`, so no worker ever blocks.

use shootout_core::{InFlight, RunError, SleepMode, SleepOutcome, SleepSpec};

use crate::{Runtime, join_all};

pub fn run<R: Runtime>(rt: &R, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting = InFlight::new();
    let d = spec.duration;
    let tasks: Vec<R::Task<Result<usize, RunError>>> = (0..spec.tasks)
        .map(|id| {
            let waiting = waiting.clone();
            match spec.mode {
                SleepMode::Timer => rt.spawn(async move {
                    let _waiting = waiting.enter_owned();
                    R::sleep(d).await;
                    Ok(id)
                }),
                SleepMode::Blocking => rt.spawn(R::spawn_blocking(move || {
                    let _waiting = waiting.enter_owned();
                    std::thread::sleep(d);
                    id
                })),
            }
        })
        .collect();
    let ids = rt.block_on(join_all(tasks))?.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
