//! WebKitGTK settings that keep the app's WebKit processes small (Linux).
//!
//! The app shows one local page and never navigates, so it needs neither WebKit's
//! memory caches for browsing (the default `WebBrowser` cache model keeps decoded
//! resources and back/forward pages around) nor WebGL/WebAudio, and it draws nothing
//! that hardware acceleration would speed up: with the acceleration policy `Never` the
//! web process paints in software instead of setting up OpenGL (which, without a GPU,
//! is Mesa's llvmpipe: its own threads and buffers). `AUTHDECK_WEBKIT_DEFAULTS=1` keeps
//! wry's defaults (to compare in the benchmarks); so does a window under WebDriver (see
//! below).

/// Applies the lean settings to the window's webview.
pub fn tune(window: &tauri::WebviewWindow) {
    if std::env::var("AUTHDECK_WEBKIT_DEFAULTS").is_ok_and(|v| v == "1") {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let result = window.with_webview(|webview| {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
            };
            let view = webview.inner();
            // Under WebDriver (tauri-driver) these settings make WebKitWebDriver's
            // screenshots hang (WebKitGTK 2.50, seen in the e2e suite): keep wry's
            // defaults for automated windows. Which setting causes it is not yet known.
            if view.is_controlled_by_automation() {
                return;
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                settings.set_enable_webgl(false);
                settings.set_enable_webaudio(false);
                settings.set_enable_page_cache(false);
            }
        });
        if let Err(e) = result {
            tracing::debug!("webview settings not applied: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
