// `npm run bench`: how long the simulator takes for a simulated 24 h of every service of each
// stack (three 8-hour days back to back). Not a test: prints ms per simulated day and HPA sync
// steps per second.
import { checkConfig } from "../preflight";
import { dayProfile } from "../simulator/profiles";
import { simulate } from "../simulator/run";
import { listStacks, readStackFile } from "./stack-files";

const RUNS = 5;

function main(): void {
    for (const stack of listStacks()) {
        const file = readStackFile(stack);
        const parsed = checkConfig(file.projectConfig, file.context);
        if (!parsed.ok) {
            process.stderr.write(`${stack}: invalid config, skipped\n`);
            continue;
        }
        const day = dayProfile(24, parsed.config.simulation.seed);
        simulate(parsed.config, day); // warm the JIT
        const times: number[] = [];
        let syncs = 0;
        for (let i = 0; i < RUNS; i++) {
            const start = process.hrtime.bigint();
            syncs = simulate(parsed.config, day).syncs;
            times.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
        times.sort((a, b) => a - b);
        const median = times[Math.floor(times.length / 2)];
        const services = Object.keys(parsed.config.services).length;
        process.stdout.write(`${stack}: 24 h of ${services} services (${syncs} HPA syncs): ` +
            `${median.toFixed(0)} ms per simulated day (median of ${RUNS}; fastest ${times[0].toFixed(0)} ms), ` +
            `${Math.round(syncs / (median / 1000)).toLocaleString("en-US")} sync steps per second\n`);
    }
}

main();
