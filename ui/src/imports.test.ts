// No import cycles in ui/src: a module graph without loops keeps each view's
// dependencies one-way (actions and state below the views that use them) and module
// start-up order well defined. Every static import counts, `import type` included;
// `import()` does not (it loads later, on demand).

import { describe, expect, it } from "vitest";

type Graph = ReadonlyMap<string, readonly string[]>;

/** The relative modules `source` imports or re-exports statically. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const re = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']/gm;
  for (const m of source.matchAll(re)) found.push(m[1]!);
  return found;
}

/** `spec` imported from `file` ("./a/b.ts"), as a key of the graph ("./a/c.ts"). */
function resolve(file: string, spec: string): string {
  const parts = file.split("/").slice(0, -1);
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  const path = parts.join("/");
  return /\.[a-z]+$/.test(path) ? path : `${path}.ts`;
}

/** One import cycle of the graph, as the modules along it (first = last), or null. */
function findCycle(graph: Graph): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

function graphOf(sources: Record<string, string>): Map<string, string[]> {
  return new Map(Object.entries(sources).map(([file, text]) => [file, importsOf(text).map((s) => resolve(file, s))]));
}

describe("import graph", () => {
  it("reads static imports and re-exports, types included, not import()", () => {
    const text = [
      'import { a } from "./a";',
      'import type { B } from "../b";',
      "import {\n  c,\n  d,\n} from './c';",
      'export { e } from "./e";',
      'import "./styles.css";',
      'import { x } from "vitest";',
      'void import("./lazy");',
    ].join("\n");
    expect(importsOf(text)).toEqual(["./a", "../b", "./c", "./e", "./styles.css"]);
    expect(resolve("./tokenPanel/copyButtons.ts", "../actions")).toBe("./actions.ts");
    expect(resolve("./app.ts", "./tokenPanel/paste")).toBe("./tokenPanel/paste.ts");
  });

  it("finds a cycle, however long, and none in a tree", () => {
    expect(findCycle(graphOf({ "./a.ts": 'import "./b";', "./b.ts": 'import "./c";', "./c.ts": 'import type { A } from "./a";' })))
      .toEqual(["./a.ts", "./b.ts", "./c.ts", "./a.ts"]);
    expect(findCycle(graphOf({ "./a.ts": 'import "./b";\nimport "./c";', "./b.ts": 'import "./c";', "./c.ts": "" }))).toBeNull();
  });

  it("has no cycle in ui/src", () => {
    const sources = import.meta.glob(["./**/*.ts", "!./**/*.test.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
    const graph = graphOf(sources);
    expect(graph.size).toBeGreaterThan(20);
    expect(graph.get("./app.ts")).toContain("./tokenPanel.ts");
    expect(findCycle(graph)?.join(" → ") ?? null).toBeNull();
  });
});
