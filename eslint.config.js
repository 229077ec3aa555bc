// ESLint with typescript-eslint (`npm run lint`; `npm test` runs it). Only rules that need no type
// information: typed rules would build the whole program, SDKs included, on every run.
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
    { ignores: ["node_modules/", "tests/fixtures/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        // Functions a person can hold in their head (docs/development.md): ESLint's default count,
        // blank lines and comments included.
        files: ["**/*.ts", "**/*.js"],
        rules: { "max-lines-per-function": ["error", 80] },
    },
    {
        // A test is a list of cases, as long as the behaviour it pins.
        files: ["tests/**"],
        rules: { "max-lines-per-function": "off" },
    },
    {
        // Tests and command-line tools handle what the compiler cannot type: Pulumi's mock inputs
        // and outputs (`MockResourceArgs.inputs` is `any`), rendered manifests and JSON documents.
        files: ["tests/**", "tools/**"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // The .js files are CommonJS scripts Node runs before the TypeScript loader exists
        // (tools/register-ts.js is that loader), so they `require`.
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                __dirname: "readonly",
                process: "readonly",
                console: "readonly",
                Buffer: "readonly",
            },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
