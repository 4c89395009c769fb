//! Embeds `models/stance.model` into the library when it exists, so the
//! binary classifies with no flags from any directory. A checkout without a
//! model still builds; it then needs `--model PATH`.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let model = manifest.join("models").join("stance.model");
    println!("cargo:rerun-if-changed={}", model.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.model");
    match std::fs::read(&model) {
        Ok(bytes) => std::fs::write(&out, bytes).unwrap(),
        Err(_) => std::fs::write(&out, []).unwrap(),
    }
    println!("cargo:rustc-env=STANCE_EMBEDDED_MODEL={}", out.display());
}
