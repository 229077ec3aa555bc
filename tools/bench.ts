// `npm run bench -- [<stack>] [--rounds N] [--only preview,render,test,simulator] [--loaders a,b]`:
// measures the performance goals in one run, one line per goal: figure, floor, ratio, goal, PASS or
// FAIL. The floor (tools/bench/floor.js) loads the SDK modules the program loads and registers its
// resources with the same inputs, replayed from a mocked run recorded here; preview start-up
// (tools/bench/preview.js) is what Pulumi's Node.js language host does with this repository up to
// the last registration. `npm test` runs twice: with node_modules/.cache removed (a fresh clone)
// and warm. `--loaders` adds preview start-up through other `--require` loaders, cold and warm.
// CPU seconds (user + system), which move much less with the shared machine's load than wall time;
// `npm test` in wall seconds, as people wait for it. Each figure is the median of `rounds` runs,
// interleaved (floor, preview, render, test, loaders, simulator, then again) so a busy spell hits all alike.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { PlatformConfig } from "../config";
import { checkConfig } from "../preflight";
import { dayProfile } from "../simulator/profiles";
import { simulate } from "../simulator/run";
import { Command, CommandContext, ParsedArgs, runAsProcess, UsageError } from "./cli";
import { runWithMocks } from "./mock-engine";
import { loadProgram } from "./render";
import { PROJECT_DIR, readStackFile, runtimeConfig, stackArgument } from "./stack-files";

/** Issue 15's goals. */
const GOALS = {
    /** Preview start-up, CPU seconds, at most this many times the floor. */
    previewRatio: 2,
    /** `npm run render -- <stack>`, CPU seconds, at most this many times the floor. */
    renderRatio: 1.5,
    /** `npm test`, wall seconds. */
    testSeconds: 30,
    /** The simulator, 128 services over 24 h, seconds. */
    simulatorSeconds: 5,
    /** Production's four services, copied this many times under new names: 128 services. */
    simulatorCopies: 32,
    /**
     * Cost per (services x nodes) at 128 services over the same at 32: at most this (1 would be
     * exactly linear in services x nodes; the margin is for timing noise).
     */
    simulatorGrowth: 1.25,
};

type Measure = "preview" | "render" | "test" | "simulator";
const MEASURES: readonly Measure[] = ["preview", "render", "test", "simulator"];

export const BENCH: Command = {
    name: "bench",
    summary:
        "Measures issue 15's goals against the floor: preview start-up, render, npm test, the simulator at 128 services; one PASS/FAIL line per goal.",
    positionals: [{ ...stackArgument(), optional: true, help: "the stack to measure (default: production)" }],
    options: [
        { name: "--rounds", value: "N", help: "interleaved rounds, each figure the median (default 3)" },
        { name: "--only", value: "list", help: `measure only these, comma-separated (${MEASURES.join(", ")})` },
        {
            name: "--loaders",
            value: "list",
            help: "also measure preview start-up through these --require loaders (comma-separated), cold and warm, beside the program's own",
        },
    ],
    details:
        "Figures are CPU seconds (npm test: wall seconds). Exit 1 when a goal FAILs; the loaders compared have no goal.",
};

export interface Args {
    readonly rounds: number;
    readonly only: readonly Measure[];
    readonly stack: string;
    /** Loaders to compare: OWN_LOADER (Pulumi.yaml's nodeargs) first, then the --loaders given; none without it. */
    readonly loaders: readonly string[];
}

/** Stands for Pulumi.yaml's own nodeargs among the loaders compared. */
const OWN_LOADER = "";
/** Where tools/register-ts.js keeps its transpiled files: what a fresh clone lacks. */
const CACHE_DIR = path.join(PROJECT_DIR, "node_modules", ".cache");

export function benchArgs(args: ParsedArgs): Args {
    const rounds = args.options.rounds === undefined ? 3 : Number(args.options.rounds);
    if (!Number.isInteger(rounds) || rounds < 1)
        throw new UsageError(`--rounds ${args.options.rounds}: give a whole number >= 1`);
    const only = typeof args.options.only === "string" ? args.options.only.split(",") : [...MEASURES];
    const unknown = only.filter((name) => !(MEASURES as readonly string[]).includes(name));
    if (unknown.length > 0)
        throw new UsageError(`--only ${args.options.only}: ${unknown.join(", ")} is not one of ${MEASURES.join(", ")}`);
    const others =
        typeof args.options.loaders === "string"
            ? args.options.loaders.split(",").filter((loader) => loader !== "")
            : [];
    return {
        rounds,
        only: only as Measure[],
        stack: args.positionals.stack ?? "production",
        loaders: others.length > 0 ? [OWN_LOADER, ...others] : [],
    };
}

const median = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** What tools/bench/replay.js answers and the floor replays, from one mocked run of the program. */
interface Job {
    readonly project: unknown;
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly sdkModules: string[];
    readonly calls: Record<string, unknown>;
    /** Invokes the recorded run failed (a stack never deployed: no cluster to read), by token. */
    readonly callFailures: Record<string, string>;
    readonly resources: {
        readonly type: string;
        readonly name: string;
        readonly kind: "provider" | "custom" | "remote" | "component";
        readonly parent?: string;
        readonly provider?: string;
        readonly inputs: Record<string, unknown>;
        readonly id: string;
        readonly state: Record<string, unknown>;
    }[];
}

/** `<urn>::<id>` of a provider reference to `type::name` (the URN's last type in its chain, and name). */
function providerKey(reference: string | undefined): string | undefined {
    if (!reference) return undefined; // the mock passes "" for "the default provider"
    const parts = reference.split("::");
    return `${parts[2].split("$").pop()}::${parts[3]}`;
}

/**
 * A mocked run's inputs or state as JSON: a resource the engine passed by reference (a node
 * group's `cluster`) becomes `{ "__benchResource": "type::name" }`, which the floor turns back
 * into the resource it created under that key.
 */
function jsonSafe(value: unknown): unknown {
    if (pulumi.Resource.isInstance(value)) {
        const resource = value as unknown as { __pulumiType: string; __name: string };
        return { __benchResource: `${resource.__pulumiType}::${resource.__name}` };
    }
    if (Array.isArray(value)) return value.map(jsonSafe);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
    }
    return value;
}

async function recordJob(stack: string): Promise<Job> {
    const objects = new Map<string, pulumi.Resource>();
    const parents = new Map<string, string>();
    const keys = new WeakMap<pulumi.Resource, string>();
    const note: pulumi.ResourceTransformation = (args) => {
        const key = `${args.type}::${args.name}`;
        keys.set(args.resource, key);
        objects.set(key, args.resource);
        const parent = args.opts.parent ? keys.get(args.opts.parent) : undefined;
        if (parent !== undefined) parents.set(key, parent);
        return undefined;
    };
    // Classified after the run: transformations run inside Resource's constructor, before the
    // subclasses' constructors mark what kind of resource it is.
    const kindOf = (key: string): Job["resources"][number]["kind"] => {
        const resource = objects.get(key);
        // (ProviderResource has no isInstance of its own: CustomResource's says yes to every custom resource.)
        return key.startsWith("pulumi:providers:")
            ? "provider"
            : pulumi.CustomResource.isInstance(resource)
              ? "custom"
              : (resource as unknown as { __remote?: boolean } | undefined)?.__remote
                ? "remote"
                : "component";
    };
    const config = runtimeConfig(readStackFile(stack));
    const run = await runWithMocks({ stack, config, loadProgram, transformations: [note] });
    const resources = run.registered.map((resource) => {
        const key = `${resource.type}::${resource.name}`;
        return {
            type: resource.type,
            name: resource.name,
            kind: kindOf(key),
            parent: parents.get(key),
            provider: providerKey(resource.provider),
            id: resource.id,
            inputs: jsonSafe(resource.inputs) as Record<string, unknown>,
            state: jsonSafe(resource.state) as Record<string, unknown>,
        };
    });
    // The SDK modules the program loaded, in load order (require.cache keeps insertion order).
    const sdkModules = Object.keys(require.cache).filter((file) =>
        file.includes(`${path.sep}node_modules${path.sep}@pulumi${path.sep}`),
    );
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    return { project, stack, config, sdkModules, calls: run.callResults, callFailures: run.callFailures, resources };
}

interface ChildReport {
    readonly cpuSeconds: number;
    readonly registrations: number;
    readonly unknown: number;
}

/** Runs a tools/bench child against the job; its CPU seconds at the last registration. */
function runReplayChild(
    script: string,
    jobFile: string,
    workDir: string,
    expected: number,
    nodeArgs: readonly string[] = [],
): number {
    const report = path.join(workDir, `${path.basename(script, ".js")}.json`);
    fs.rmSync(report, { force: true });
    const child = spawnSync(process.execPath, [...nodeArgs, path.join(__dirname, "bench", script)], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        env: { ...process.env, BENCH_JOB: jobFile, BENCH_REPORT: report, NODE_OPTIONS: "" },
    });
    if (child.status !== 0 || !fs.existsSync(report)) {
        throw new Error(`${script} failed (exit ${child.status}):\n${child.stderr}`);
    }
    const result = JSON.parse(fs.readFileSync(report, "utf8")) as ChildReport;
    if (result.registrations !== expected || result.unknown !== 0) {
        throw new Error(
            `${script} registered ${result.registrations} resources (${result.unknown} not in the recorded run), the program ${expected}`,
        );
    }
    return result.cpuSeconds;
}

/**
 * Runs an npm script with every Node.js process it starts reporting its CPU (tools/bench/cpu-report.js);
 * returns their sum without npm's own process, the CPU of every process it started (native ones,
 * such as TypeScript 7's compiler, too; Linux's /proc only, else the Node.js sum), and the wall seconds.
 */
function runNpm(
    args: readonly string[],
    workDir: string,
): { cpuSeconds: number; treeCpuSeconds: number; wallSeconds: number } {
    const cpuDir = fs.mkdtempSync(path.join(workDir, "cpu-"));
    const treeStat = path.join(cpuDir, "tree.stat");
    // The shell's /proc stat after npm ends: cutime and cstime add up every descendant it waited for.
    const script = `npm run --silent "$@"; status=$?; cat /proc/$$/stat > "${treeStat}" 2>/dev/null; exit $status`;
    const started = process.hrtime.bigint();
    const child = spawnSync("sh", ["-c", script, "sh", ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        env: {
            ...process.env,
            BENCH_CPU_DIR: cpuDir,
            NODE_OPTIONS: `--require ${path.join(__dirname, "bench", "cpu-report.js")}`,
        },
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) {
        throw new Error(
            `npm run ${args.join(" ")} failed (exit ${child.status}):\n${child.stdout.slice(-4000)}\n${child.stderr.slice(-4000)}`,
        );
    }
    let cpuSeconds = 0;
    for (const file of fs.readdirSync(cpuDir).filter((name) => name.endsWith(".json"))) {
        const report = JSON.parse(fs.readFileSync(path.join(cpuDir, file), "utf8")) as {
            argv: string[];
            cpuSeconds: number;
        };
        if (!/npm-cli\.js$|[/\\]npm$/.test(report.argv[0] ?? "")) cpuSeconds += report.cpuSeconds;
    }
    return { cpuSeconds, treeCpuSeconds: childrenCpuSeconds(treeStat) ?? cpuSeconds, wallSeconds };
}

/** cutime + cstime of a /proc/<pid>/stat (fields 16 and 17, in clock ticks); undefined without one. */
function childrenCpuSeconds(statFile: string): number | undefined {
    if (!fs.existsSync(statFile)) return undefined;
    const fields = fs.readFileSync(statFile, "utf8").split(") ").pop()!.trim().split(" ");
    // Fields from the third on (state), so field n is fields[n - 3].
    const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
    const perSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
    return ticks / perSecond;
}

/** Production's services copied `copies` times under new names, with quota and node groups scaled alike. */
function copiedServices(stack: string, copies: number): PlatformConfig {
    const file = readStackFile(stack);
    const raw = structuredClone(file.projectConfig) as Record<string, any>;
    const services: Record<string, unknown> = {};
    for (let copy = 0; copy < copies; copy++) {
        for (const [name, service] of Object.entries(raw.services as Record<string, unknown>)) {
            services[`${name}-${copy}`] = service;
        }
    }
    raw.services = services;
    // Scaled with the services, or the quota and node groups would refuse most pods and the run
    // would measure an idle cluster.
    const scale = (value: string) => value.replace(/^\d+(\.\d+)?/, (n) => String(Number(n) * copies));
    const quota = raw.namespace?.quota as Record<string, string> | undefined;
    for (const key of Object.keys(quota ?? {})) quota![key] = scale(String(quota![key]));
    for (const group of Object.values(raw.nodeGroups as Record<string, Record<string, number>>)) {
        group.maxSize *= copies;
    }
    if (raw.simulation?.services !== undefined) delete raw.simulation.services;
    const result = checkConfig(raw, file.context);
    if (!result.ok)
        throw new Error(`${copies} copies of ${stack}'s services: invalid config:\n${result.errors.join("\n")}`);
    return result.config;
}

/** CPU seconds of one simulated 24 h, and services x peak nodes. */
function timeSimulation(config: PlatformConfig): { seconds: number; size: number } {
    const day = dayProfile(24, config.simulation.seed);
    const before = process.cpuUsage();
    const result = simulate(config, day);
    const used = process.cpuUsage(before);
    return { seconds: (used.user + used.system) / 1e6, size: result.services.length * result.peakNodes };
}

function line(goal: string, figure: string, floor: string, ratio: string, target: string, pass: boolean): string {
    return `${goal.padEnd(44)} ${figure.padStart(9)}  floor ${floor.padStart(7)}  ratio ${ratio.padStart(6)}  goal ${target.padEnd(12)} ${pass ? "PASS" : "FAIL"}`;
}

/** What every round needs: the recorded job, and the configs the simulator runs. */
interface Setup {
    readonly workDir: string;
    readonly jobFile: string;
    readonly expected: number;
    /** Pulumi.yaml's runtime.options.nodeargs, as the language host passes them to node. */
    readonly nodeArgs: readonly string[];
    readonly small?: PlatformConfig;
    readonly large?: PlatformConfig;
}

type Add = (name: string, value: number) => void;

/**
 * Preview start-up through each loader, on a cleared cache and again: a loader that fails is
 * recorded in `failures` (its first line of error) instead of stopping the bench.
 */
function measureLoaders(args: Args, setup: Setup, add: Add, failures: Map<string, string>): void {
    for (const loader of args.loaders) {
        const nodeArgs = loader === OWN_LOADER ? setup.nodeArgs : ["--require", loader];
        for (const phase of ["cold", "warm"]) {
            if (phase === "cold") fs.rmSync(CACHE_DIR, { recursive: true, force: true });
            try {
                add(
                    `${loader}\0${phase}`,
                    runReplayChild("preview.js", setup.jobFile, setup.workDir, setup.expected, nodeArgs),
                );
            } catch (error) {
                failures.set(
                    loader,
                    (error as Error).message.split("\n").find((text) => /Error|error/.test(text)) ??
                        (error as Error).message.split("\n")[0],
                );
            }
        }
    }
}

function measureRound(args: Args, setup: Setup, add: Add, failures: Map<string, string>): void {
    const { workDir, jobFile, expected } = setup;
    if (args.only.includes("preview") || args.only.includes("render") || args.loaders.length > 0)
        add("floor", runReplayChild("floor.js", jobFile, workDir, expected));
    if (args.only.includes("preview"))
        add("preview", runReplayChild("preview.js", jobFile, workDir, expected, setup.nodeArgs));
    if (args.only.includes("render")) add("render", runNpm(["render", "--", args.stack], workDir).cpuSeconds);
    if (args.only.includes("test")) {
        // What a fresh clone runs: nothing cached (the loader's transpiled files); then again, warm.
        fs.rmSync(CACHE_DIR, { recursive: true, force: true });
        const cold = runNpm(["test"], workDir);
        add("testCold", cold.wallSeconds);
        add("testColdCpu", cold.treeCpuSeconds);
        const warm = runNpm(["test"], workDir);
        add("test", warm.wallSeconds);
        add("testCpu", warm.treeCpuSeconds);
    }
    measureLoaders(args, setup, add, failures);
    if (setup.small !== undefined && setup.large !== undefined) {
        const a = timeSimulation(setup.small);
        const b = timeSimulation(setup.large);
        add("simulator", b.seconds);
        add("growth", b.seconds / b.size / (a.seconds / a.size));
    }
}

/** One line per goal; `m` holds the medians. */
function goalLines(args: Args, m: Record<string, number>, expected: number): string[] {
    const out: string[] = [];
    const floorText = m.floor !== undefined ? `${m.floor.toFixed(2)} s` : "-";
    if (m.preview !== undefined) {
        out.push(
            line(
                `preview start-up (${expected} resources, CPU)`,
                `${m.preview.toFixed(2)} s`,
                floorText,
                `${(m.preview / m.floor).toFixed(2)}x`,
                `<= ${GOALS.previewRatio}x`,
                m.preview / m.floor <= GOALS.previewRatio,
            ),
        );
    }
    if (m.render !== undefined) {
        out.push(
            line(
                `npm run render -- ${args.stack} (CPU)`,
                `${m.render.toFixed(2)} s`,
                floorText,
                `${(m.render / m.floor).toFixed(2)}x`,
                `<= ${GOALS.renderRatio}x`,
                m.render / m.floor <= GOALS.renderRatio,
            ),
        );
    }
    if (m.test !== undefined) {
        out.push(
            line(
                `npm test, nothing cached (wall; ${m.testColdCpu.toFixed(1)} CPU s)`,
                `${m.testCold.toFixed(1)} s`,
                "-",
                "-",
                `<= ${GOALS.testSeconds} s`,
                m.testCold <= GOALS.testSeconds,
            ),
        );
        out.push(
            line(
                `npm test, warm (wall; ${m.testCpu.toFixed(1)} CPU s)`,
                `${m.test.toFixed(1)} s`,
                "-",
                "-",
                `<= ${GOALS.testSeconds} s`,
                m.test <= GOALS.testSeconds,
            ),
        );
    }
    if (m.simulator !== undefined) {
        out.push(
            line(
                `simulator, ${GOALS.simulatorCopies * 4} services, 24 h (CPU)`,
                `${m.simulator.toFixed(2)} s`,
                "-",
                "-",
                `<= ${GOALS.simulatorSeconds} s`,
                m.simulator <= GOALS.simulatorSeconds,
            ),
        );
        out.push(
            line(
                `simulator cost/(services x nodes), ${GOALS.simulatorCopies * 4} vs ${GOALS.simulatorCopies} svc`,
                `${m.growth.toFixed(2)}x`,
                "-",
                "-",
                `<= ${GOALS.simulatorGrowth}x`,
                m.growth <= GOALS.simulatorGrowth,
            ),
        );
    }
    return out;
}

/** One line per loader compared (no goal: what the program's own loader is weighed against). */
function loaderLines(args: Args, m: Record<string, number>, failures: ReadonlyMap<string, string>): string[] {
    const figure = (loader: string, phase: string) => {
        const value = m[`${loader}\0${phase}`];
        return value === undefined ? "-" : `${value.toFixed(2)} s (${(value / m.floor).toFixed(2)}x floor)`;
    };
    return args.loaders.map((loader) => {
        const name = `preview start-up via ${loader === OWN_LOADER ? "Pulumi.yaml's nodeargs" : loader} (CPU)`;
        const failed = failures.get(loader);
        return `${name.padEnd(60)} cold ${figure(loader, "cold").padEnd(22)} warm ${figure(loader, "warm")}${failed === undefined ? "" : `  FAILED: ${failed}`}`;
    });
}

async function setUp(args: Args, workDir: string): Promise<Setup> {
    const job = await recordJob(args.stack);
    const jobFile = path.join(workDir, "job.json");
    fs.writeFileSync(jobFile, JSON.stringify(job));
    // The language host starts node with Pulumi.yaml's runtime.options.nodeargs (split like a shell
    // would; pulumi-language-nodejs main.go uses shlex.Split) before its run script.
    const runtime = (job.project as { runtime?: { options?: { nodeargs?: string } } }).runtime;
    const nodeArgs = (typeof runtime === "object" ? (runtime.options?.nodeargs ?? "") : "")
        .split(/\s+/)
        .filter((arg) => arg !== "");
    const simulator = args.only.includes("simulator");
    return {
        workDir,
        jobFile,
        expected: job.resources.length,
        nodeArgs,
        small: simulator ? copiedServices(args.stack, GOALS.simulatorCopies / 4) : undefined,
        large: simulator ? copiedServices(args.stack, GOALS.simulatorCopies) : undefined,
    };
}

export async function benchMain(parsed: ParsedArgs, context: CommandContext): Promise<number> {
    const args = benchArgs(parsed);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-bench-"));
    const load = () =>
        os
            .loadavg()
            .map((value) => value.toFixed(1))
            .join(" ");
    context.err(`load average at start: ${load()} (${os.cpus().length} cores)\n`);
    const samples: Record<string, number[]> = {};
    const failures = new Map<string, string>();
    let expected: number;
    try {
        const setup = await setUp(args, workDir);
        expected = setup.expected;
        if (setup.small !== undefined) timeSimulation(setup.small); // warm the JIT, as a long-running CLI would be
        for (let round = 1; round <= args.rounds; round++) {
            context.err(`round ${round}/${args.rounds}...\n`);
            measureRound(args, setup, (name, value) => (samples[name] ??= []).push(value), failures);
        }
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
    const report = benchReport(args, samples, expected, failures);
    context.out(`${report.lines.join("\n")}\n`);
    context.out(
        `medians of ${args.rounds} interleaved rounds; load average at end: ${load()} (${os.cpus().length} cores)\n`,
    );
    return report.code;
}

/**
 * What the bench reports of its rounds' `samples` (each figure the median of its rounds): a line
 * per goal measured and per loader compared, and the exit code, 1 when a goal FAILs.
 */
export function benchReport(
    args: Args,
    samples: Readonly<Record<string, readonly number[]>>,
    expected: number,
    failures: ReadonlyMap<string, string>,
): { lines: string[]; code: number } {
    const m = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
    const goals = goalLines(args, m, expected);
    return {
        lines: [...goals, ...loaderLines(args, m, failures)],
        code: goals.some((text) => text.endsWith("FAIL")) ? 1 : 0,
    };
}

if (require.main === module) {
    runAsProcess(BENCH, benchMain);
}
