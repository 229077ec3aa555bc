// `npm run bench [-- <stack>]`: how long the simulator takes for a simulated 24 h of every service
// of each stack (three 8-hour days back to back). Not a test: prints ms per simulated day and HPA
// sync steps per second.
import { checkConfig } from "../preflight";
import { dayProfile } from "../simulator/profiles";
import { simulate } from "../simulator/run";
import { Command, CommandContext, ParsedArgs, runAsProcess } from "./cli";
import { listStacks, readStackFile, stackArgument } from "./stack-files";

const RUNS = 5;

export const BENCH: Command = {
    name: "bench",
    summary: `Times the simulator on a simulated 24 h of every service (three 8-hour days), median of ${RUNS} runs after a warm-up.`,
    positionals: [{ ...stackArgument(), optional: true, help: "only this stack (default: every stack)" }],
    options: [],
};

export function benchMain(args: ParsedArgs, context: CommandContext): number {
    const stacks = args.positionals.stack !== undefined ? [args.positionals.stack] : listStacks(context.projectDir);
    let failed = 0;
    for (const stack of stacks) {
        const file = readStackFile(stack, context.projectDir);
        const parsed = checkConfig(file.projectConfig, file.context);
        if (!parsed.ok) {
            context.err(`${stack}: invalid config (npm run simulate -- ${stack} lists the problems), skipped\n`);
            failed++;
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
        context.out(`${stack}: 24 h of ${services} services (${syncs} HPA syncs): ` +
            `${median.toFixed(0)} ms per simulated day (median of ${RUNS}; fastest ${times[0].toFixed(0)} ms), ` +
            `${Math.round(syncs / (median / 1000)).toLocaleString("en-US")} sync steps per second\n`);
    }
    return failed === 0 ? 0 : 1;
}

if (require.main === module) {
    runAsProcess(BENCH, benchMain);
}
