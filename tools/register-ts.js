// Lets Node.js require this repository's TypeScript files, transpiled once by esbuild and then read
// from a cache keyed by content: `pulumi preview` (Pulumi.yaml runtime.options.nodeargs), render,
// simulate, bench and the tests (.mocharc.js) all load the program through it. It replaces ts-node,
// which Pulumi's language host runs with a type check unless told otherwise, and which loads the
// compiler and transpiles every file on every run (docs/design/bench.md, docs/performance.md).
// Types are not checked here (`npm test` checks them with tsc). esbuild reads tsconfig.json's target
// and compiler options, as tsc would emit them; `--enable-source-maps` gives TypeScript lines.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "berrys-register-ts");
/** Bump when what this file emits changes, so that old cache entries are not reused. */
const FORMAT = 2;

/** esbuild's transform options from tsconfig.json (plain JSON): its target, and the compiler options esbuild reads. */
function transformOptions() {
    const { compilerOptions = {} } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
    return {
        loader: "ts",
        format: "cjs",
        target: compilerOptions.target ?? "es2020",
        // `import()` becomes `require()`, as tsc emits it for `module: commonjs`: Node's ES loader
        // cannot load a .ts file (tools/render.ts imports the program with `await import`).
        supported: { "dynamic-import": false },
        // `strict`, `useDefineForClassFields`, `experimentalDecorators`, ... as tsc reads them.
        tsconfigRaw: { compilerOptions },
        sourcemap: "inline",
        sourcesContent: false,
    };
}

const options = transformOptions();
const esbuildVersion = JSON.parse(
    fs.readFileSync(require.resolve("esbuild/package.json", { paths: [ROOT] }), "utf8"),
).version;
const salt = `${FORMAT}\0${esbuildVersion}\0${JSON.stringify(options)}\0`;
let esbuild;

function transpile(filename, source) {
    const key = crypto.createHash("sha1").update(salt).update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not transpiled yet (or the cache was cleared).
    }
    esbuild ??= require(require.resolve("esbuild", { paths: [ROOT] }));
    let code;
    try {
        ({ code } = esbuild.transformSync(source, { ...options, sourcefile: filename }));
    } catch (error) {
        if (!Array.isArray(error.errors)) throw error;
        throw new SyntaxError(
            error.errors
                .map(({ text, location }) =>
                    location ? `${filename}:${location.line}:${location.column + 1}: ${text}` : `${filename}: ${text}`,
                )
                .join("\n"),
            { cause: error },
        );
    }
    // Written to a temporary name and renamed: parallel test workers may write the same entry.
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached);
    return code;
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
