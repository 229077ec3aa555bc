// Preloaded into every Node.js process the bench times through npm (NODE_OPTIONS=--require):
// writes the process's own CPU time (process.cpuUsage(): user + system, all its threads) and its
// command line to BENCH_CPU_DIR when it exits, so the bench can add up a command's processes.
"use strict";
const fs = require("fs");
const path = require("path");

const dir = process.env.BENCH_CPU_DIR;
if (dir) {
    process.on("exit", () => {
        const cpu = process.cpuUsage();
        fs.writeFileSync(
            path.join(dir, `${process.pid}.json`),
            JSON.stringify({ argv: process.argv.slice(1), cpuSeconds: (cpu.user + cpu.system) / 1e6 }),
        );
    });
}
