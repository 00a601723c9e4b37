//! The size peer: a window showing a page, and a command that fetches a URL with
//! reqwest (so the HTTP client is linked in, as in any app that talks to an API).

#[tauri::command]
async fn fetch(url: String) -> Result<String, String> {
    let body = reqwest::get(&url).await.map_err(|e| e.to_string())?;
    body.text().await.map_err(|e| e.to_string())
}

fn main() {
    let app = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![fetch])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("peer: {e}");
        std::process::exit(1);
    }
}
