// Builds the web scanner (web/ to WebAssembly, its JS glue, the page's files) into assets the
// server serves compressed under content-hashed names.
#[path = "build/web.rs"]
mod web;

fn main() {
    web::build();
}
