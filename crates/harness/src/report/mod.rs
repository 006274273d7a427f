//! The report pipeline, from a results file alone: number formatting, the cases of a file,
//! the tie rule, ranking, the decision guide, markdown rendering and the README splice — one
//! module each.

pub mod answers;
pub mod cases;
pub mod format;
pub mod guide;
pub mod guide_asyncio;
pub mod guide_rate;
mod guide_submit;
mod guide_topology;
pub mod ranking;
pub mod render;
pub mod splice;
pub mod tie;

pub use answers::short_answers;
pub use cases::{
    CaseView, case_names, case_views, measured, param_f64, param_text, rows_of, size_of, strategies,
    sweep_base, sweep_w, variant, workloads,
};
pub use format::{bytes, count, duration, millis, rate, ratio};
pub use guide::decision_guide;
pub use ranking::{Standing, geomean, ranked, ranking};
pub use render::{machine_line, render, render_with_charts, summary_with_charts};
pub use splice::{BEGIN_MARKER, END_MARKER, splice};
