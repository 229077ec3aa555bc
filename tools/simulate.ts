// `npm run simulate -- <stack> [--service S] [--profile P | --load file.csv]`: runs the stack's
// config through the scaling simulator (simulator/) and prints, per service, how it would have
// scaled; writes a JSON of the time series and an SVG chart per service under out/<stack>/simulation/.
import * as fs from "fs";
import * as path from "path";
import type { PlatformConfig } from "../config";
import { preflight } from "../preflight";
import { csvProfile, LoadProfile, profile, PROFILE_NAMES, ProfileName } from "../simulator/profiles";
import { formatReport, resultJson } from "../simulator/report";
import { simulate } from "../simulator/run";
import { serviceChartSvg } from "../simulator/svg";
import { PROJECT_DIR, readStackFile } from "./stack-files";

const USAGE = `usage: npm run simulate -- <stack> [--service S] [--profile ${PROFILE_NAMES.join("|")} | --load file.csv]`;
/** Runs at least this long (simulated) print their progress on stderr. */
const PROGRESS_FROM_SECONDS = 4 * 3600;

interface Args { stack: string; service?: string; profile?: string; load?: string }

function parseArgs(argv: readonly string[]): Args {
    const args: Partial<Args> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("--")) fail(`${arg} needs a value\n${USAGE}`);
            return next;
        };
        if (arg === "--service") args.service = value();
        else if (arg === "--profile") args.profile = value();
        else if (arg === "--load") args.load = value();
        else if (arg === "--help" || arg === "-h") fail(USAGE, 0);
        else if (arg.startsWith("--") || args.stack !== undefined) fail(`unknown argument ${arg}\n${USAGE}`);
        else args.stack = arg;
    }
    if (args.stack === undefined) fail(USAGE);
    if (args.profile !== undefined && args.load !== undefined) fail(`give --profile or --load, not both\n${USAGE}`);
    if (args.profile !== undefined && !(PROFILE_NAMES as readonly string[]).includes(args.profile)) {
        fail(`unknown profile ${args.profile}; profiles: ${PROFILE_NAMES.join(", ")}`);
    }
    return args as Args;
}

function fail(message: string, code = 1): never {
    (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
    process.exit(code);
}

function checkedConfig(stack: string): PlatformConfig {
    let file;
    try {
        file = readStackFile(stack);
    } catch (error) {
        fail((error as Error).message);
    }
    // The same checks as `pulumi preview`: a stack preview refuses is not simulated.
    const result = preflight(file.projectConfig, file.context);
    if (!result.ok) fail(result.message);
    return result.config;
}

function main(): void {
    const args = parseArgs(process.argv.slice(2));
    const config = checkedConfig(args.stack);
    const services = Object.keys(config.services);
    if (args.service !== undefined && !services.includes(args.service)) {
        fail(`unknown service ${args.service}; services of ${args.stack}: ${services.join(", ")}`);
    }
    let profiles: LoadProfile[];
    if (args.load !== undefined) {
        const file = path.resolve(process.cwd(), args.load);
        try {
            profiles = [csvProfile(fs.readFileSync(file, "utf8"), services, args.service, path.basename(file, path.extname(file)))];
        } catch (error) {
            fail(`${args.load}: ${(error as Error).message}`);
        }
    } else {
        const names = args.profile !== undefined ? [args.profile as ProfileName] : [...PROFILE_NAMES];
        profiles = names.map((name) => profile(name, config.simulation.seed));
    }
    const only = args.service !== undefined ? [args.service] : undefined;
    const outDir = path.join(PROJECT_DIR, "out", args.stack, "simulation");
    fs.mkdirSync(outDir, { recursive: true });
    profiles.forEach((loadProfile, i) => {
        const showProgress = loadProfile.durationSeconds >= PROGRESS_FROM_SECONDS;
        let shown = -1;
        const result = simulate(config, loadProfile, {
            onProgress: showProgress ? (fraction) => {
                const percent = Math.floor(fraction * 10) * 10;
                if (percent > shown) {
                    shown = percent;
                    process.stderr.write(`simulating ${args.stack} ${loadProfile.name}: ${percent}%\n`);
                }
            } : undefined,
        });
        if (i > 0) process.stdout.write(`\n${"=".repeat(100)}\n\n`);
        process.stdout.write(`${formatReport(config, result, only)}\n`);
        const written = [path.join(outDir, `${loadProfile.name}.json`)];
        fs.writeFileSync(written[0], `${JSON.stringify(resultJson(config, result), null, 1)}\n`);
        for (const run of result.services.filter((candidate) => only === undefined || only.includes(candidate.model.name))) {
            const file = path.join(outDir, `${loadProfile.name}-${run.model.name}.svg`);
            fs.writeFileSync(file, serviceChartSvg(result, run));
            written.push(file);
        }
        process.stdout.write(`\nwrote ${written.map((file) => path.relative(process.cwd(), file)).join(", ")}\n`);
    });
}

main();
