//! The frame loop's jobs, one file each. `app` registers them in this order.

pub mod chart;
pub mod compare;
pub mod embed_events;
pub mod gif;
pub mod main_view;
pub mod playback;
pub mod save;
pub mod stats;
pub mod thumbs;
pub mod train;
pub mod video;
