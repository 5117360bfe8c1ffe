fn main() {
    println!("cargo:rerun-if-changed=page");
    tauri_build::try_build(tauri_build::Attributes::new()).expect("tauri build configuration");
}
