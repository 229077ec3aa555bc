// Lets Node.js require this repository's TypeScript files, transpiled once by sucrase and then read
// from a cache keyed by content: `pulumi preview` (Pulumi.yaml runtime.options.nodeargs), render,
// simulate, bench and the tests (.mocharc.js) all load the program through it. It replaces ts-node,
// which Pulumi's language host runs with a type check unless told otherwise, and which loads the
// compiler and transpiles every file on every run (docs/design/bench.md, docs/performance.md).
// Types are not checked here (`npm test` checks them with tsc). The emit is tsconfig.json's (checked
// below: CommonJS, esModuleInterop); `--enable-source-maps` gives TypeScript lines.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "berrys-register-ts");
/** Bump when what this file emits changes, so that old cache entries are not reused. */
const FORMAT = 4;

/**
 * The tsconfig.json emit options sucrase's output matches (CommonJS with esModuleInterop's
 * helpers; ES2022 syntax kept as written, as `target` es2022 keeps it: `?.`, `??` and class fields
 * defined as the language defines them, which Node.js 20 runs natively): a tsconfig.json that
 * asks for another emit is refused, so the code that runs stays the code tsc checks.
 */
const EMIT = {
    module: "commonjs",
    esModuleInterop: true,
    target: "es2022",
    useDefineForClassFields: undefined,
    emitDecoratorMetadata: undefined,
};

function checkEmitOptions() {
    const { compilerOptions = {} } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
    for (const [key, value] of Object.entries(EMIT)) {
        const actual =
            typeof compilerOptions[key] === "string" ? compilerOptions[key].toLowerCase() : compilerOptions[key];
        if (actual !== value) {
            throw new Error(
                `tsconfig.json compilerOptions.${key} is ${JSON.stringify(compilerOptions[key])}; tools/register-ts.js emits as ${value === undefined ? "its default" : JSON.stringify(value)} does (sucrase): change the loader with it`,
            );
        }
    }
}

const sucraseVersion = JSON.parse(
    fs.readFileSync(require.resolve("sucrase/package.json", { paths: [ROOT] }), "utf8"),
).version;
const salt = `${FORMAT}\0${sucraseVersion}\0`;
let sucrase;

function transpile(filename, source) {
    const key = crypto.createHash("sha1").update(salt).update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not transpiled yet (or the cache was cleared).
    }
    if (sucrase === undefined) {
        checkEmitOptions();
        sucrase = require(require.resolve("sucrase", { paths: [ROOT] }));
    }
    let output;
    try {
        output = sucrase.transform(source, {
            transforms: ["typescript", "imports"],
            // Keeps `?.`, `??` and class fields as written (Node.js 20 runs them): sucrase's ES
            // transforms make each `?.` and `??` a helper call with a closure, at every evaluation.
            disableESTransforms: true,
            filePath: filename,
            sourceMapOptions: { compiledFilename: filename },
        });
    } catch (error) {
        if (error.loc === undefined) throw error;
        // sucrase's `loc` counts lines and columns from 1, as editors do.
        throw new SyntaxError(
            `${filename}:${error.loc.line}:${error.loc.column}: ${error.message.replace(/^Error transforming \S+: /, "")}`,
            { cause: error },
        );
    }
    const map = Buffer.from(JSON.stringify(output.sourceMap)).toString("base64");
    const code = `${output.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}\n`;
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
