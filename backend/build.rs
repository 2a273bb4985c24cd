// Embeds every translation file in i18n/ so a new language is one new file, nothing else; and
// builds the web scanner (web/ to WebAssembly, its JS glue, the page's files) into assets the
// server serves compressed under content-hashed names.
use std::fmt::Write as _;

#[path = "build/web.rs"]
mod web;

fn main() {
    web::build();
    println!("cargo:rerun-if-changed=i18n");
    let mut files: Vec<_> = std::fs::read_dir("i18n")
        .expect("backend/i18n exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("pub static LANGUAGES: &[(&str, &str)] = &[\n");
    for f in &files {
        let code = f.file_stem().and_then(|s| s.to_str()).expect("file name");
        let path = std::fs::canonicalize(f).expect("path");
        writeln!(
            out,
            "    ({code:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write");
    }
    out.push_str("];\n");
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("languages.rs");
    std::fs::write(dest, out).expect("write languages.rs");
}
