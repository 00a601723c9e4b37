//! Tauri's build step (config, assets) for the size peer.
fn main() {
    tauri_build::build()
}
