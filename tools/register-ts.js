// Lets Node.js require this repository's TypeScript files, transpiled once and then read from a
// cache keyed by content: `pulumi preview` (Pulumi.yaml runtime.options.nodeargs), render, simulate,
// bench and the tests (.mocharc.js) all load the program through it. It replaces ts-node, which
// Pulumi's language host runs with a type check unless told otherwise, and which loads the compiler
// and transpiles every file on every run (docs/design/bench.md, docs/performance.md).
// Types are not checked here (`npm test` checks them). The emit options are tsconfig.json's own, so
// the code that runs is the code tsc checks; run with `--enable-source-maps` for TypeScript lines.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "berrys-register-ts");
/** Bump when what this file emits changes, so that old cache entries are not reused. */
const FORMAT = 1;

/** tsconfig.json's options that shape the emitted JavaScript (tsconfig.json is plain JSON). */
function emitOptions() {
    const { compilerOptions = {} } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
    const options = {};
    for (const key of [
        "target",
        "module",
        "esModuleInterop",
        "experimentalDecorators",
        "emitDecoratorMetadata",
        "useDefineForClassFields",
        "importHelpers",
        "downlevelIteration",
    ]) {
        if (compilerOptions[key] !== undefined) options[key] = compilerOptions[key];
    }
    return { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: false };
}

const options = emitOptions();
const typescriptVersion = JSON.parse(
    fs.readFileSync(require.resolve("typescript/package.json", { paths: [ROOT] }), "utf8"),
).version;
const salt = `${FORMAT}\0${typescriptVersion}\0${JSON.stringify(options)}\0`;
let ts;

function transpile(filename, source) {
    const key = crypto.createHash("sha1").update(salt).update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not transpiled yet (or the cache was cleared).
    }
    ts ??= require(require.resolve("typescript", { paths: [ROOT] }));
    const output = ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: options,
        reportDiagnostics: true,
    });
    if (output.diagnostics.length > 0) {
        throw new SyntaxError(
            output.diagnostics
                .map((diagnostic) => {
                    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
                    return `${filename}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
                })
                .join("\n"),
        );
    }
    // Written to a temporary name and renamed: parallel test workers may write the same entry.
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, output.outputText);
    fs.renameSync(temporary, cached);
    return output.outputText;
}

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(transpile(filename, fs.readFileSync(filename, "utf8")), filename);
};

/** Every .ts file below `dir` but node_modules and dot folders. */
function typeScriptFiles(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory())
            return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : typeScriptFiles(full);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

// `node tools/register-ts.js`: transpiles every TypeScript file of the repository into the cache in
// this one process, so that processes started together (`npm test`'s mocha workers) find them
// there instead of each loading the compiler and transpiling the same files.
if (require.main === module) {
    for (const file of typeScriptFiles(ROOT)) transpile(file, fs.readFileSync(file, "utf8"));
}
