// Authdeck's web front end: bootstrap only.
//
// Copy buttons live in the TOKEN PANEL, not on the rows: selecting a row (click, or ↑/↓)
// shows its panel, which holds copy-raw-<id>, copy-bearer-<id>, copy-header-<id>,
// copy-curl-<id>, reveal-<id> and logout-<id>. Rows carry service-<id>, state-<id>,
// expiry-<id> and login-<id>. (<id> is the service id for the default account and
// <service>-<account> for others; see lib/testid.ts.)
//
// The UI talks to the shell only through ./bindings/commands; it never holds a token
// except while the user has one revealed on screen.

import "./styles.css";
import { startApp } from "./app";
import { initTheme } from "./theme";

// Linux's WebKitGTK gets short font lists (see styles.css, data-platform).
if (/\bLinux\b/.test(navigator.userAgent) && !/\bAndroid\b/.test(navigator.userAgent)) {
  document.documentElement.dataset["platform"] = "linux";
}
initTheme();
startApp(document.getElementById("app")!);
