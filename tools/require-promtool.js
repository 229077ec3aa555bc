// `npm test` starts here: the rule tests run Prometheus's own `promtool test rules`, so without
// promtool on PATH it stops at once with how to install it, instead of failing deep in mocha.
"use strict";
const { spawnSync } = require("child_process");

const run = spawnSync("promtool", ["--version"], { encoding: "utf8" });
if (run.status !== 0) {
    console.error(
        "promtool is not on PATH: install Debian's prometheus package " +
            "(apt-get install -y prometheus, with sudo when not root); .ci/run does this",
    );
    process.exit(1);
}
