import desktop, tempfile, os, sys
t = tempfile.mkdtemp()
x = desktop.Xvfb()
try:
    desktop.write_services(os.path.join(t,'big'), 1000)
    desktop.write_services(os.path.join(t,'small'), 5)
    for i in range(3):
        for n in ('big','small'):
            env = desktop.app_env(os.path.join(t,n), x.display, n)
            print(n, desktop.start_and_measure(['../target/release/authdeck-desktop'], env, 'first-paint', 0)[:2], flush=True)
finally:
    x.stop()
