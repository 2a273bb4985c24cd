// Embeds every translation file in locales/ (one Fluent file per language, named by its
// language tag: en.ftl, bg.ftl, sr-Latn.ftl), so a new language is one new file and no code.
use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let mut files: Vec<_> = std::fs::read_dir("locales")
        .expect("i18n/locales exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    files.sort();
    let mut out = String::from("pub(crate) static FILES: &[(&str, &str)] = &[\n");
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
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("files.rs");
    std::fs::write(dest, out).expect("write files.rs");
}
