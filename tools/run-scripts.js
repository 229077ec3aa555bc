// `node tools/run-scripts.js a b c`: runs package.json scripts a, b and c at the same time (what
// `npm test` does with the type checks, the layer check and mocha) and fails if any of them fails.
// Each script's output is held back and printed whole when it ends, so outputs do not interleave.
// Run at once, the slowest step (mocha) sets the wall time instead of the sum of all steps.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
const names = process.argv.slice(2);
const unknown = names.filter((name) => scripts[name] === undefined);
if (names.length === 0 || unknown.length > 0) {
    console.error(
        `usage: node tools/run-scripts.js <script>...; not in package.json: ${unknown.join(", ") || "(none given)"}`,
    );
    process.exit(2);
}
// As npm runs a script: from the project root, with the local binaries on PATH.
const env = { ...process.env, PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` };
const runs = names.map(
    (name) =>
        new Promise((resolve) => {
            const started = Date.now();
            const child = spawn("sh", ["-c", scripts[name]], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
            const output = [];
            child.stdout.on("data", (chunk) => output.push(chunk));
            child.stderr.on("data", (chunk) => output.push(chunk));
            child.on("close", (code, signal) => {
                const status = code === 0 ? "ok" : `FAILED (${signal ?? `exit ${code}`})`;
                process.stdout.write(`\n> ${name}: ${scripts[name]}\n${Buffer.concat(output).toString()}`);
                process.stdout.write(`> ${name}: ${status} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
                resolve(code === 0);
            });
        }),
);
Promise.all(runs).then((results) => {
    process.exitCode = results.every(Boolean) ? 0 : 1;
});
