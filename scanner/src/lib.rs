//! townpass-scan as a library: the device's local store and picture decoding, used by the binary
//! (`main.rs`) and by the benchmark.

pub mod image;
pub mod local;
