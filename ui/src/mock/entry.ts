// mock.html's entry: install the fake shell first, then start the real app unchanged.

import { installFakeShell } from "./fakeShell";

installFakeShell();
void import("../main");
