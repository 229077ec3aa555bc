// `npm run simulate -- <stack> [--service S] [--profile P | --load file.csv|file.json [--label L]] [--check]`: runs the
// stack's config through the scaling simulator (simulator/) and prints, per service, how it would
// have scaled; writes a JSON of the time series and an SVG chart per service under
// out/<stack>/simulation/.
import * as fs from "fs";
import * as path from "path";
import type { PlatformConfig } from "../config";
import { preflight } from "../preflight";
import { DEFAULT_SERVICE_LABEL, LoadProfile, profile, PROFILE_NAMES, ProfileName } from "../simulator/profiles";
import {
    checkVerdict,
    criteriaSummary,
    evaluateCriteria,
    formatReport,
    ProfileCriteria,
    resultJson,
} from "../simulator/report";
import { simulate, SimulationResult } from "../simulator/run";
import { chartOptions, serviceChartSvg } from "../simulator/svg";
import {
    Command,
    CommandContext,
    CommandError,
    displayPath,
    ParsedArgs,
    removeStaleResults,
    runAsProcess,
    UsageError,
} from "./cli";
import { loadFileProfile } from "./load-file";
import { readStackFile, stackArgument } from "./stack-files";

/** Runs at least this long (simulated) print their progress on stderr. */
const PROGRESS_FROM_SECONDS = 4 * 3600;

export const SIMULATE: Command = {
    name: "simulate",
    summary:
        "Runs the stack's services through the scaling simulator (HPA controller, ReplicaSets, scheduler, quota,\n" +
        "cluster-autoscaler) under load profiles and prints, per service, how they scaled and which criteria were met.",
    positionals: [stackArgument()],
    options: [
        { name: "--service", value: "S", help: "report and chart only this service (all services are simulated)" },
        {
            name: "--profile",
            value: "P",
            help: `run one built-in profile instead of all ${PROFILE_NAMES.length}`,
            choices: PROFILE_NAMES,
        },
        {
            name: "--load",
            value: "file.csv",
            help:
                "replay real traffic: `seconds,load` rows (with --service) or a header `seconds,<service>,...`;\n" +
                "or a Prometheus query_range response (JSON, a matrix; series name their service by --label);\n" +
                "a relative path is relative to the directory you run npm from",
        },
        {
            name: "--label",
            value: "L",
            help: `the Prometheus label that names a --load series' service (default ${DEFAULT_SERVICE_LABEL})`,
        },
        { name: "--check", help: "for CI: exit 1 when any criterion is MISSED, 0 when all are met" },
    ],
    details:
        "Writes out/<stack>/simulation/<profile>.json (time series, criteria) and <profile>-<service>.svg (charts).\n" +
        "A run replaces only what it writes: with --service, the other services' charts stay.\n" +
        "Exit codes: 0 done (with --check: every criterion met); 1 with --check a criterion missed, or the run failed (the\n" +
        "config refused: the stack's earlier simulation results are removed; a bad --load file: they stay); 2 a usage mistake.",
};

function loadConfig(stack: string, context: CommandContext): PlatformConfig {
    const file = readStackFile(stack, context.projectDir);
    // The same checks as `pulumi preview`: a stack preview refuses is not simulated.
    const result = preflight(file.projectConfig, file.context);
    if (!result.ok) throw new CommandError(result.message);
    return result.config;
}

function loadProfiles(args: ParsedArgs, config: PlatformConfig, context: CommandContext): LoadProfile[] {
    const {
        service,
        profile: name,
        load,
        label,
    } = args.options as { service?: string; profile?: string; load?: string; label?: string };
    if (load !== undefined) return [loadFileProfile(load, Object.keys(config.services), { service, label }, context)];
    const names = name !== undefined ? [name as ProfileName] : [...PROFILE_NAMES];
    return names.map((each) => profile(each, config.simulation.seed));
}

/**
 * The files of an earlier run a run of `profile` replaces: its JSON, and its charts: every one
 * when all services are charted (so a service no longer in the config leaves no chart that looks
 * current), only those of `only` when the run charts only those.
 */
export function replacedFiles(
    files: readonly string[],
    profile: string,
    only: readonly string[] | undefined,
): string[] {
    return files.filter(
        (name) =>
            name === `${profile}.json` ||
            (only === undefined
                ? name.startsWith(`${profile}-`) && name.endsWith(".svg")
                : only.some((service) => name === `${profile}-${service}.svg`)),
    );
}

export async function simulateMain(args: ParsedArgs, context: CommandContext): Promise<number> {
    const stack = args.positionals.stack!;
    const {
        service,
        profile: profileName,
        load,
        check,
    } = args.options as { service?: string; profile?: string; load?: string; check?: true };
    if (profileName !== undefined && load !== undefined) throw new UsageError("give --profile or --load, not both");
    if (args.options.label !== undefined && load === undefined)
        throw new UsageError("--label names the service label of a Prometheus --load file; give --load too");
    const outDir = path.join(context.projectDir, "out", stack, "simulation");
    const config = loadOrClear(stack, outDir, context);
    const services = Object.keys(config.services);
    if (service !== undefined && !services.includes(service)) {
        throw new UsageError(
            `unknown service ${JSON.stringify(service)} for --service; services of ${stack}: ${services.join(", ")}`,
        );
    }
    // A bad --load file says nothing about the stack file: the earlier results stay.
    const profiles = loadProfiles(args, config, context);
    const only = service !== undefined ? [service] : undefined;
    fs.mkdirSync(outDir, { recursive: true });
    const checked = profiles.map((loadProfile, i) => {
        const result = simulate(config, loadProfile, { onProgress: progressPrinter(stack, loadProfile, context) });
        if (i > 0) context.out(`\n${"=".repeat(100)}\n\n`);
        return reportProfile(config, result, only, outDir, context);
    });
    context.out(`\n${"=".repeat(100)}\n\n${criteriaSummary(checked, only ?? services)}\n`);
    if (check === true) {
        context.out(`\n${checkVerdict(checked)}\n`);
        return checked.some((run) => run.criteria.some((criterion) => !criterion.ok)) ? 1 : 0;
    }
    return 0;
}

/** The stack's config; when the stack file is refused, the earlier results go too, and the error says so. */
function loadOrClear(stack: string, outDir: string, context: CommandContext): PlatformConfig {
    try {
        return loadConfig(stack, context);
    } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        // Results of a config the stack file no longer holds must not look current.
        const removed = fs.existsSync(outDir)
            ? removeStaleResults(path.dirname(outDir), ["simulation"], "simulate", context)
            : "";
        throw new CommandError(`${error.message}${removed !== "" ? `\n${removed}` : ""}`);
    }
}

/** One profile's run: its report, its JSON and charts (replacing the earlier ones), and the criteria it checked. */
function reportProfile(
    config: PlatformConfig,
    result: SimulationResult,
    only: readonly string[] | undefined,
    outDir: string,
    context: CommandContext,
): ProfileCriteria {
    const loadProfile = result.profile;
    context.out(`${formatReport(config, result, only)}\n`);
    for (const file of replacedFiles(fs.readdirSync(outDir), loadProfile.name, only))
        fs.rmSync(path.join(outDir, file));
    const written = [path.join(outDir, `${loadProfile.name}.json`)];
    fs.writeFileSync(written[0], `${JSON.stringify(resultJson(config, result), null, 1)}\n`);
    for (const run of result.services.filter(
        (candidate) => only === undefined || only.includes(candidate.model.name),
    )) {
        const file = path.join(outDir, `${loadProfile.name}-${run.model.name}.svg`);
        fs.writeFileSync(file, serviceChartSvg(result, run, chartOptions(config, loadProfile.name)));
        written.push(file);
    }
    context.out(`\nwrote ${written.map((file) => displayPath(file, context)).join(", ")}\n`);
    return {
        profile: loadProfile.name,
        criteria: evaluateCriteria(config, result).filter(
            (criterion) => only === undefined || only.includes(criterion.service),
        ),
    };
}

/** Prints every 10 % of a long profile's run on stderr; nothing for a short one. */
function progressPrinter(
    stack: string,
    loadProfile: LoadProfile,
    context: CommandContext,
): ((fraction: number) => void) | undefined {
    if (loadProfile.durationSeconds < PROGRESS_FROM_SECONDS) return undefined;
    let shown = -1;
    return (fraction) => {
        const percent = Math.floor(fraction * 10) * 10;
        if (percent > shown) {
            shown = percent;
            context.err(`simulating ${stack} ${loadProfile.name}: ${percent}%\n`);
        }
    };
}

if (require.main === module) {
    runAsProcess(SIMULATE, simulateMain);
}
