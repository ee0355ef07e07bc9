//! The flow engine of Flow Playground: layers, flows, objectives, training (pure, no clock,
//! no global RNG). Its sources live in `src/core/`; this crate exists so the release profile can
//! build the engine at `opt-level = 3` while the UI, which dominates the WebAssembly's size, is
//! built for size (`Cargo.toml`, `[profile.release]`). `flow_playground::core` re-exports the
//! module below, so every `crate::core::…` path inside and outside the engine is unchanged.

#[path = "../src/core/mod.rs"]
pub mod core;
