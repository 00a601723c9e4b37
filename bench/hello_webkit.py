#!/usr/bin/python3
"""The peer of bench item 5: a hello-world WebKitGTK window (the same libwebkit2gtk-4.1
the desktop app uses, without Tauri), driven from Debian's python3-gi.

It loads a tiny page that, like Authdeck's UI, queues a task from a frame callback after
its first render; that task sets the title, and on the title change this prints
`hello-webkit: first-paint` on stderr. Run by bench/desktop.py under /usr/bin/python3.
"""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

PAGE = """<!doctype html><html><body><ul id=l></ul><script>
const l = document.getElementById('l');
for (let i = 0; i < 5; i++) { const li = document.createElement('li'); li.textContent = 'Hello ' + i; l.appendChild(li); }
requestAnimationFrame(() => setTimeout(() => { document.title = 'painted'; }, 0));
</script></body></html>"""


def main():
    win = Gtk.Window(title="hello")
    win.set_default_size(1000, 680)
    view = WebKit2.WebView()

    def on_title(v, _param):
        if v.get_title() == "painted":
            print("hello-webkit: first-paint", file=sys.stderr, flush=True)

    view.connect("notify::title", on_title)
    win.add(view)
    win.connect("destroy", Gtk.main_quit)
    view.load_html(PAGE, "about:blank")
    win.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
