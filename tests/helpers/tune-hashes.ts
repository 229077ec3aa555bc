// The tuner's result on narrowed searches of the production fixture (some with a few of the seed's
// misses cured first, so the search has little to do), and what the CLI prints and writes for them,
// as SHA-256 hashes (tests/simulator/tuner/search.test.ts, tests/tools/tune.test.ts):
// refactors of the tuner must leave every hash as it is.
// When a change of behaviour is meant, regenerate with `npm run pins:tune` and commit the
// new tests/fixtures/tune-hashes.json with the change that explains it.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { keyName } from "../../config";
import { preflight } from "../../preflight";
import { csvProfile, tunerProfiles } from "../../simulator/profiles";
import type { CandidateCheck } from "../../simulator/tuner/evaluator";
import { Objective, tune, TuneInput, TuneResult } from "../../simulator/tuner/search";
import { PROJECT_DIR } from "../../tools/stack-files";
import { TUNE, tuneMain } from "../../tools/tune";
import { CommandRun, runCaptured } from "./commands";
import { FIXTURE_STACKS_DIR, fixtureStack } from "./stacks";

export const TUNE_HASHES_FILE = path.join(PROJECT_DIR, "tests", "fixtures", "tune-hashes.json");

/** Each service's two windows get one alternative each; the node group stays at 3 nodes at least. */
export const NARROW = {
    scaleUpStabilizationWindowSeconds: [0, 60],
    scaleDownStabilizationWindowSeconds: [300, 420],
    scaleUpPercent: [100],
    scaleDownPercent: [20],
    nodeGroups: { "default-node-group": { minSize: { min: 3, max: 3 } } },
};

/** A value set in the production fixture before the search: its config path (without the namespace) and the value. */
export type Setting = readonly [path: readonly string[], value: unknown];

/** The production fixture's services. */
const SERVICES = Object.keys(fixtureStack("production").projectConfig.services as Record<string, unknown>);

/** `seconds` as the `direction` stabilization window of each of `services`. */
function windows(direction: "scaleUp" | "scaleDown", seconds: number, services = SERVICES): Setting[] {
    return services.map((name) => [["services", name, "behavior", direction, "stabilizationWindowSeconds"], seconds]);
}

/** The seed's other misses cured (the quota raised, every scale-down window at 420 s): only the spike is left. */
export const SPIKE_LEFT: readonly Setting[] = [
    [["namespace", "quota", "requests.cpu"], "29"],
    [["namespace", "quota", "limits.cpu"], "58"],
    ...windows("scaleDown", 420),
];

/** Each window gets one alternative at most (0 s up, 420 s down), no headroom: a search with little to try. */
export const SHORT = {
    ...NARROW,
    scaleUpStabilizationWindowSeconds: [0],
    scaleDownStabilizationWindowSeconds: [420],
    headroom: [],
};

/** With every scale-up window held at 60 s (HELD_SETTINGS), only headroom can cure the spike. */
export const HELD = {
    ...SHORT,
    scaleUpStabilizationWindowSeconds: [60],
    headroom: [
        { cpu: "1", memory: "2Gi" },
        { cpu: "2", memory: "4Gi" },
    ],
};
export const HELD_SETTINGS: readonly Setting[] = [...SPIKE_LEFT, ...windows("scaleUp", 60)];

/** An hour of real-looking traffic on api-gateway: a cost profile besides the day. */
const HISTORY = "seconds,api-gateway\n0,200\n900,500\n2700,500\n3600,200\n";

export interface TuneCase {
    readonly tuning: Record<string, unknown>;
    /** Values set in the production fixture first (none: the seed's stack as it is). */
    readonly settings?: readonly Setting[];
    readonly service?: string;
    readonly objective: Objective;
    readonly history?: boolean;
}

/** The searches pinned, each on the production fixture with its settings and `tuning` as its simulation.tuning. */
export const TUNE_CASES: Readonly<Record<string, TuneCase>> = {
    // One alternative per window, the two smallest headroom sizes (the first misses the spike's margin).
    "production narrow cost": { tuning: { ...SHORT, headroom: HELD.headroom }, objective: "cost" },
    "production narrow agent-orchestrator": { tuning: NARROW, service: "agent-orchestrator", objective: "cost" },
    "production held headroom": { tuning: HELD, settings: HELD_SETTINGS, objective: "cost" },
    "production spike left replica-hours with history": {
        tuning: SHORT,
        settings: SPIKE_LEFT,
        objective: "replica-hours",
        history: true,
    },
};

/** `raw` with `settings` applied (maps below `raw` copied, not changed). */
function withSettings(raw: Record<string, unknown>, settings: readonly Setting[]): Record<string, unknown> {
    const copy = structuredClone(raw);
    for (const [path, value] of settings) {
        let node = copy;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[path[path.length - 1]] = value;
    }
    return copy;
}

/** Keys the search changes: findings about other keys (a placeholder CIDR, the support calendar) are left out. */
const SEARCHED = ["services", "namespace.quota", "nodeGroups", "addons.clusterAutoscaler.headroom"].map((key) =>
    keyName([key]),
);

/** The search's input for a case: the production fixture with the case's tuning, preview's checks as the candidate check. */
export function tuneCaseInput(pinned: TuneCase): TuneInput {
    const file = fixtureStack("production");
    const raw = { ...withSettings(file.projectConfig, pinned.settings ?? []), simulation: { tuning: pinned.tuning } };
    const first = preflight(raw, file.context);
    if (!first.ok) throw new Error(first.errors.join("\n"));
    const check = (candidate: Record<string, unknown>): CandidateCheck => {
        const result = preflight(candidate, file.context);
        const warnings = result.warnings.filter((warning) => SEARCHED.some((key) => warning.includes(key)));
        return result.ok
            ? { ok: true, config: result.config, problems: warnings }
            : { ok: false, problems: [...result.errors, ...warnings] };
    };
    const services = Object.keys(first.config.services);
    const profiles = [
        ...tunerProfiles(first.config.simulation.seed),
        ...(pinned.history ? [csvProfile(HISTORY, services, undefined, "history")] : []),
    ];
    return { raw, baseline: first.config, check, profiles, service: pinned.service, objective: pinned.objective };
}

const results = new Map<string, TuneResult>();

/** `tune()` on the case `name`, run once per process (the tests of one file share it). */
export function tuneCase(name: string): TuneResult {
    let result = results.get(name);
    if (result === undefined) {
        result = tune(tuneCaseInput(TUNE_CASES[name]));
        results.set(name, result);
    }
    return result;
}

/** sha256 of a `TuneResult` as JSON. */
export function resultHash(result: TuneResult): string {
    return createHash("sha256").update(JSON.stringify(result)).digest("hex");
}

/** A project dir holding the production fixture's stack file (comments and all) with `settings` and `tuning` under simulation. */
export function projectWith(tuning: Record<string, unknown>, settings: readonly Setting[] = []): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-tune-"));
    const document = YAML.parseDocument(
        fs.readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.production.yaml"), "utf8"),
    );
    for (const [[key, ...rest], value] of settings)
        document.setIn(["config", `berrys-platform:${key}`, ...rest], value);
    document.setIn(["config", "berrys-platform:simulation"], { tuning });
    fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), document.toString({ lineWidth: 0 }));
    return dir;
}

export type CliRun = CommandRun;

/** `npm run tune -- <argv>` in `projectDir`, its output captured. */
export function runTune(argv: string[], projectDir: string): Promise<CliRun> {
    return runCaptured(TUNE, tuneMain, argv, projectDir);
}

/** The CLI's argv for a case (the stack file's own objective is cost). */
export function cliArgs(pinned: TuneCase): string[] {
    return [
        "production",
        ...(pinned.service !== undefined ? ["--service", pinned.service] : []),
        ...(pinned.objective !== "cost" ? ["--objective", pinned.objective] : []),
    ];
}

/**
 * sha256 of what a CLI run printed and wrote: stdout without its timing and without the warnings
 * about keys outside the search (the support calendar's depends on the day), the proposal, its diff.
 */
export function cliHash(run: CliRun, projectDir: string): string {
    const out = run.out.replace(/ in \d+\.\d s/, "").replace(/\nWarnings outside the search[^]*?\n(?=\n|$)/, "\n");
    const written = path.join(projectDir, "out", "production", "tune", "Pulumi.production.yaml");
    const files = [written, `${written}.diff`].map((file) =>
        fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "",
    );
    return createHash("sha256")
        .update(JSON.stringify([run.code, out, ...files]))
        .digest("hex");
}

/**
 * The runs the CLI tests pin (tests/tools/tune.test.ts), each as small as its path allows: a
 * proposal (--service, so no headroom is tried), no solution, and a proposal that takes headroom.
 */
export const CLI_CASES: Readonly<Record<string, TuneCase>> = {
    "production agent-orchestrator with web-dashboard cured": {
        tuning: SHORT,
        settings: windows("scaleDown", 420, ["web-dashboard"]),
        service: "agent-orchestrator",
        objective: "cost",
    },
    "production narrow agent-orchestrator": TUNE_CASES["production narrow agent-orchestrator"],
    "production held headroom": TUNE_CASES["production held headroom"],
};

/** A project dir for the CLI case `name`. */
export function cliProject(name: string): string {
    return projectWith(CLI_CASES[name].tuning, CLI_CASES[name].settings);
}

async function main(): Promise<void> {
    const hashes: Record<string, string> = Object.fromEntries(
        Object.keys(TUNE_CASES).map((name) => [name, resultHash(tuneCase(name))]),
    );
    for (const name of Object.keys(CLI_CASES)) {
        const dir = cliProject(name);
        hashes[`cli ${name}`] = cliHash(await runTune(cliArgs(CLI_CASES[name]), dir), dir);
    }
    fs.writeFileSync(TUNE_HASHES_FILE, `${JSON.stringify(hashes, null, 4)}\n`);
    console.log(`wrote ${Object.keys(hashes).length} hashes to ${path.relative(PROJECT_DIR, TUNE_HASHES_FILE)}`);
}

if (require.main === module) void main();
