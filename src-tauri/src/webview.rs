//! WebKitGTK settings that keep the app's WebKit processes small (Linux), and GTK and
//! WebKit started without probing OpenGL ([`start_gtk`]).
//!
//! The app shows one local page and never navigates, so it needs neither WebKit's
//! memory caches for browsing (the default `WebBrowser` cache model keeps decoded
//! resources and back/forward pages around) nor WebGL/WebAudio, and it draws nothing
//! that hardware acceleration would speed up: with the acceleration policy `Never` the
//! web process paints in software instead of setting up OpenGL (which, without a GPU,
//! is Mesa's llvmpipe: its own threads and buffers). `AUTHDECK_WEBKIT_DEFAULTS=1` keeps
//! wry's defaults (to compare in the benchmarks); so does a window under WebDriver (see
//! below).

/// `AUTHDECK_WEBKIT_DEFAULTS=1`: keep wry's (and GTK's) defaults.
fn defaults_wanted() -> bool {
    std::env::var("AUTHDECK_WEBKIT_DEFAULTS").is_ok_and(|v| v == "1")
}

/// Starts GTK with GDK's OpenGL support off, and keeps WebKit from probing its DMA-BUF
/// renderer (Linux). Call it first in `main`, before the app starts any thread.
///
/// The app never draws with OpenGL: [`tune`] has WebKit paint the page in software
/// (hardware acceleration `Never`), and the window shows it with cairo. Yet two probes
/// set up OpenGL at every start, and without a GPU each loads Mesa's software driver and
/// LLVM into the app process (bench item 5, BENCHMARKS.md):
/// - GDK sets up GLX when it opens the X11 display, to choose its visuals. `GDK_GL=disable`
///   turns that off; GDK reads it once, when GTK starts. So GTK starts here, before Tauri
///   would start it (Tauri then finds it started), and the variable is removed right
///   after, so that no program the app starts (the browser for a login) inherits it.
///   Changing the environment is only sound while no other thread reads it: hence first
///   in `main`, before the async runtime, GLib's and WebKit's threads exist (the one
///   other thread then is started by a shared library before `main`).
/// - WebKit checks, before it starts the web process, whether the window can show
///   DMA-BUF buffers (EGL and a GL context); the check runs whatever the acceleration
///   policy is, and the web process waits for it. `WEBKIT_DISABLE_DMABUF_RENDERER=1`
///   skips it. WebKit reads it when it makes the check, once the app's threads run, so
///   it is set here and stays set for the app's life (inherited by programs the app
///   starts: only WebKitGTK browsers read it, and they then show pages without DMA-BUF,
///   as this window does).
///
/// Left alone: values the user set, `AUTHDECK_WEBKIT_DEFAULTS=1`, and windows under
/// WebDriver (`TAURI_WEBVIEW_AUTOMATION=true`: they keep wry's defaults, see [`tune`]).
pub fn start_gtk() {
    #[cfg(target_os = "linux")]
    {
        if defaults_wanted() || std::env::var("TAURI_WEBVIEW_AUTOMATION").is_ok_and(|v| v == "true")
        {
            return;
        }
        if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
            std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        }
        if std::env::var_os("GDK_GL").is_some() {
            return;
        }
        std::env::set_var("GDK_GL", "disable");
        let started = gtk::init();
        std::env::remove_var("GDK_GL");
        // Without a display GTK cannot start; Tauri tries again and reports it.
        if let Err(e) = started {
            tracing::debug!("GTK not started early: {e}");
        }
    }
}

/// Applies the lean settings to the window's webview.
pub fn tune(window: &tauri::WebviewWindow) {
    if defaults_wanted() {
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
