//! Runs the built-in fake Okta org until stdin closes or the process is
//! killed, printing its URL first:
//! `cargo run -p okta-apps --example fake_server [-- --public-url URL]`
//! (the URL of a proxy in front of it, for its `Link` headers).

use std::io::Read;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = okta_fake::FakeOptions::default();
    if let [flag, url] = args.as_slice() {
        if flag == "--public-url" {
            options = options.public_url(url.as_str());
        }
    }
    let fake = okta_fake::FakeOrg::start_with(options).await?;
    println!("{}", fake.url());
    // Wait for stdin to close (the parent going away) without blocking the runtime.
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await
    .ok();
    fake.shutdown().await;
    Ok(())
}
