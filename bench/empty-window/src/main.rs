//! An empty Tauri 2 window the size of Ninsho's, showing a static page: what any app on this
//! runtime costs at rest. `make bench-app` measures it beside Ninsho in the same run, so
//! Ninsho's own idle cost is read as the difference. Not shipped.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("empty window: {e}");
        std::process::exit(1);
    }
}
