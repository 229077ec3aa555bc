// mocha's settings for `npm run unit` (and `npm test`): every tests/**/*.test.ts, two workers.
// The script starts mocha under `node --max-semi-space-size=64`, which the workers inherit: the
// property tests make much short-lived garbage, and 64 MB young-generation semispaces instead of
// 16 cost the suite about 3 CPU s less. As a `node-option` here, mocha would start node twice.
"use strict";
const fs = require("fs");
const path = require("path");

// A worker runs one file at a time and takes the next in this list when it is free, so the run
// ends when the worker with the longest share does. These files cost the most CPU (per file,
// docs/performance.md): started first, the short files fill in around them and both workers end
// together; listed last, one would run alone at the end.
const LONGEST_FIRST = [
    "tests/simulator/tuner/search.test.ts",
    "tests/tools/tune.test.ts",
    "tests/config.properties.test.ts",
    "tests/adoption.test.ts",
    "tests/components/addons.test.ts",
    // These two wait for promtool and tsc, which run beside the worker.
    "tests/components/monitoring/rules-promtool.test.ts",
    "tests/type-check.test.ts",
    "tests/simulator/report.test.ts",
    "tests/capacity/model.properties.test.ts",
];

/** Every `*.test.ts` below `dir` (relative to the project, `/`-separated), as mocha's glob finds them. */
function testFilesIn(dir) {
    return fs.readdirSync(path.join(__dirname, dir), { withFileTypes: true }).flatMap((entry) => {
        const file = `${dir}/${entry.name}`;
        if (entry.isDirectory()) return testFilesIn(file);
        return entry.name.endsWith(".test.ts") ? [file] : [];
    });
}

const testFiles = testFilesIn("tests").sort();

module.exports = {
    require: ["./tools/register-ts.js"],
    extension: ["ts"],
    spec: [
        ...LONGEST_FIRST.filter((file) => testFiles.includes(file)),
        ...testFiles.filter((file) => !LONGEST_FIRST.includes(file)),
    ],
    timeout: 60000,
    parallel: true,
    jobs: 2,
};
