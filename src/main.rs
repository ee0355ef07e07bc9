//! Binary entry point: mounts the app (wasm) or explains how to run it (native).

#[cfg(target_arch = "wasm32")]
fn main() {
    flow_playground::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Flow Playground is a browser app: run `scripts/serve.sh` and open the printed URL.");
}
