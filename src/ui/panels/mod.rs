//! The page's components, one per file. Each reads the `Ui` context (`model::use_ui`), shows
//! values derived from it, and calls actions; none keeps its own copy of session state.

pub mod authoring;
pub mod brush;
pub mod caption;
pub mod chart;
pub mod cnf_solver;
pub mod compare;
pub mod density_source;
pub mod energy;
pub mod fields;
pub mod filmstrip;
pub mod formula;
pub mod help;
pub mod layer_details;
pub mod layer_verdict;
pub mod layers;
pub mod legend;
pub mod lessons;
pub mod model;
pub mod notice;
pub mod probe;
pub mod share;
pub mod sidebar;
pub mod target;
pub mod timeline;
pub mod toolstrip;
pub mod topbar;
pub mod train;
pub mod trainbar;
pub mod video;
pub mod view_opts;
