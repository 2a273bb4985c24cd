use std::process::ExitCode;

fn main() -> ExitCode {
    townpass::cli::main()
}
