//! townpass-scan: the venue scanner. Verification uses townpass-core, the same code as the server.
//! The commands of DESIGN.md (enroll, sync, check, redeem, run, ...) arrive with the scanner issue;
//! until then this binary only reports its version and the token format it understands.

use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        Some("--version" | "-V") => {
            println!(
                "townpass-scan {} (token format {})",
                env!("CARGO_PKG_VERSION"),
                townpass_core::token::PREFIX
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "townpass-scan {}: the scanner commands (enroll, sync, check, redeem, run, decode, status, \
                 export, import) are not built yet.\nTo check a token's signature today, use: \
                 townpass token inspect TOKEN --key PUBHEX",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::from(2)
        }
    }
}
