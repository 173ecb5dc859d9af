//! `kouza` runs the service; `kouza --help` lists the admin and demo commands.
#[rocket::main]
async fn main() -> std::process::ExitCode {
    kouza::cli::main().await
}
