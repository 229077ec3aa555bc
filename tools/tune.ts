// `npm run tune -- <stack> [--service S] [--objective cost|replica-hours] [--load file[,file...]] [--label L]`:
// searches the settings the stack owns for the cheapest configuration that meets every scaling
// criterion (simulator/tuner/search.ts), prints the search and a before/after table, and writes the
// proposal under out/<stack>/tune/ (the stack file itself is never edited). Exit 0 with a
// proposal, 1 when nothing within the bounds meets every criterion (no proposal written), 2 on a
// usage error.
import * as fs from "fs";
import * as path from "path";
import { keyName, StackContext } from "../config";
import { capacityReport, formatUsd } from "../capacity/model";
import { preflight } from "../preflight";
import { DEFAULT_SERVICE_LABEL, LoadProfile, tunerProfiles } from "../simulator/profiles";
import type { CandidateCheck, Evaluation } from "../simulator/tuner/evaluator";
import { OBJECTIVES, Objective, tune, TuneInput, TuneResult } from "../simulator/tuner/search";
import type { Change } from "../simulator/tuner/search-space";
import type { SpikeComparison, SpikeOption } from "../simulator/tuner/spike";
import { Command, CommandContext, CommandError, displayPath, ParsedArgs, runAsProcess, UsageError } from "./cli";
import { loadFileProfile } from "./load-file";
import { applyChanges, unifiedDiff } from "./proposal";
import { readStackFile, StackFile, stackArgument } from "./stack-files";

export const TUNE: Command = {
    name: "tune",
    summary:
        "Searches the settings the stack owns for the cheapest configuration that meets every scaling criterion, and writes it\n" +
        "as a proposal next to the stack file (never over it).",
    positionals: [stackArgument()],
    options: [
        { name: "--service", value: "S", help: "change only S's settings (the criteria still hold for every service)" },
        {
            name: "--objective",
            value: "O",
            help: "what to minimise: the monthly node cost, or the services' replica-hours",
            choices: OBJECTIVES,
        },
        {
            name: "--load",
            value: "file[,file...]",
            help: "also meet every criterion on these loads: CSV, or Prometheus query_range JSON (see simulate)",
        },
        {
            name: "--label",
            value: "L",
            help: `the Prometheus label that names a --load series' service (default ${DEFAULT_SERVICE_LABEL})`,
        },
    ],
    details:
        "Searched (simulation.tuning sets the values and bounds): per service the behavior windows and the value of a one-Percent\n" +
        "policy, targets and min/max replicas within the bounds set; the namespace quota; node group min/max size and the\n" +
        "instance type among candidates; addons.clusterAutoscaler.headroom among simulation.tuning.headroom's sizes (default\n" +
        "1/2Gi, 2/4Gi, 4/8Gi, 8/16Gi; [] leaves it out): spare capacity that pods of priority critical take at once instead of\n" +
        "waiting for a node, whose cost is the nodes its placeholder pods keep (docs/headroom.md). The report then sets the\n" +
        "spike's two cures side by side: the smallest headroom meeting every spike responseSeconds with 20 % to spare, and\n" +
        "the proposal's scale-up changes, each alone, with its monthly cost and the margin it leaves. Criteria: simulation.criteria on ramp, spike, oscillating and day (and the --load\n" +
        "files), at the stack file's load levels; the checks preview runs, with no error and no capacity warning.\n" +
        "Writes out/<stack>/tune/Pulumi.<stack>.yaml (every comment kept) and Pulumi.<stack>.yaml.diff.\n" +
        "Exit codes: 0 a proposal written (or nothing to change); 1 nothing within the bounds meets every criterion (the\n" +
        "closest configuration and its misses are printed, no proposal written), or the run failed; 2 a usage mistake.",
};

/** Keys the search can change: warnings about others are the stack file's own, carried as they are. */
const SEARCHED_KEYS = ["services", "namespace.quota", "nodeGroups", "addons.clusterAutoscaler.headroom"].map((key) =>
    keyName([key]),
);

/** A progress bar on a terminal; plain lines at every tenth of the budget otherwise (CI logs). */
function progress(
    stack: string,
    context: CommandContext,
): { update: (done: number, budget: number) => void; end: () => void } {
    const tty = process.stderr.isTTY === true;
    let shown = -1;
    return {
        update: (done, budget) => {
            const fraction = Math.min(1, done / budget);
            if (tty) {
                const width = 30;
                const filled = Math.round(fraction * width);
                context.err(
                    `\rtuning ${stack} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${budget} simulations`,
                );
            } else if (Math.floor(fraction * 10) > shown) {
                shown = Math.floor(fraction * 10);
                context.err(`tuning ${stack}: ${done}/${budget} simulations\n`);
            }
        },
        end: () => context.err(tty ? "\n" : `tuning ${stack}: done\n`),
    };
}

export function tuneMain(args: ParsedArgs, context: CommandContext): number {
    const stack = args.positionals.stack!;
    const setup = tuneSetup(args, context);
    const started = Date.now();
    const result = searchWithProgress(stack, setup.input, context);
    const seconds = (Date.now() - started) / 1000;
    context.out(
        `${formatSearch(stack, setup.input.service, result, setup.input.profiles, seconds)}\n\n${formatTable(result, setup.file.context)}\n`,
    );
    if (result.spike !== undefined) context.out(`\n${formatSpike(result.spike)}\n`);
    if (setup.outside.length > 0) context.out(formatOutside(setup.outside));
    const proposalFile = path.join(context.projectDir, "out", stack, "tune", `Pulumi.${stack}.yaml`);
    // A proposal from an earlier run must not look like this run's.
    fs.rmSync(proposalFile, { force: true });
    fs.rmSync(`${proposalFile}.diff`, { force: true });
    if (!result.feasible) {
        context.out(formatNoSolution(result));
        return 1;
    }
    context.out(`\n${formatChanges(result)}\n`);
    if (result.changes.length === 0) {
        context.out("\nThe stack file already is the cheapest configuration the search found: no proposal written.\n");
        return 0;
    }
    writeProposal(stack, result, proposalFile, context);
    return 0;
}

/** What a run searches with: the stack file, the search's input, and the warnings left outside it. */
interface TuneSetup {
    readonly file: StackFile;
    readonly input: TuneInput;
    readonly outside: readonly string[];
}

/** The stack file checked as preview checks it, the arguments checked, the profiles loaded. */
function tuneSetup(args: ParsedArgs, context: CommandContext): TuneSetup {
    const stack = args.positionals.stack!;
    const { service, load, label } = args.options as { service?: string; load?: string; label?: string };
    if (label !== undefined && load === undefined)
        throw new UsageError("--label names the service label of a Prometheus --load file; give --load too");
    const file = readStackFile(stack, context.projectDir);
    const first = preflight(file.projectConfig, file.context);
    if (!first.ok)
        throw new CommandError(
            `${first.message}\nnpm run tune starts from a stack that preview accepts: fix these first`,
        );
    const baseline = first.config;
    const services = Object.keys(baseline.services);
    if (service !== undefined && !services.includes(service)) {
        throw new UsageError(
            `unknown service ${JSON.stringify(service)} for --service; services of ${stack}: ${services.join(", ")}`,
        );
    }
    // Warnings about keys outside the search (a placeholder CIDR, say) are the stack file's: reported, not searched.
    const outside = first.warnings.filter(
        (warning) => !SEARCHED_KEYS.some((key) => warning.includes(key)) && !/quota|node|replicas/.test(warning),
    );
    const loads = (load ?? "")
        .split(",")
        .filter((each) => each !== "")
        .map((each) => loadFileProfile(each, services, { service, label }, context));
    const profiles = [...tunerProfiles(baseline.simulation.seed), ...loads];
    const objective = (args.options.objective ?? "cost") as Objective;
    const check = candidateCheck(file, outside);
    return { file, outside, input: { raw: file.projectConfig, baseline, check, profiles, service, objective } };
}

/** Preview's checks on a candidate: its errors, and its warnings but those the stack file has outside the search. */
function candidateCheck(file: StackFile, outside: readonly string[]): TuneInput["check"] {
    return (raw: Record<string, unknown>): CandidateCheck => {
        const result = preflight(raw, file.context);
        const problems = [
            ...(result.ok ? [] : result.errors),
            ...result.warnings.filter((warning) => !outside.includes(warning)),
        ];
        return result.ok ? { ok: true, config: result.config, problems } : { ok: false, problems };
    };
}

function searchWithProgress(stack: string, input: TuneInput, context: CommandContext): TuneResult {
    const bar = progress(stack, context);
    try {
        return tune({ ...input, onProgress: bar.update });
    } catch (error) {
        throw new CommandError((error as Error).message);
    } finally {
        bar.end();
    }
}

function formatOutside(outside: readonly string[]): string {
    return (
        `\nWarnings outside the search (keys tune does not change; the proposal carries them as the stack file does):\n` +
        outside.map((warning) => `  - ${warning}`).join("\n") +
        "\n"
    );
}

function formatNoSolution(result: TuneResult): string {
    const changes =
        result.changes.length === 0
            ? " is the stack file as it is"
            : ` changes:\n${result.changes.map((change) => `  ${changeText(change)}`).join("\n")}`;
    return (
        `\nNo configuration within the bounds meets every criterion (${result.evaluations} simulations). ` +
        `The closest one found${changes}\n` +
        `and still misses:\n${result.best.misses.map((miss) => `  - ${miss.profile}: ${miss.message}`).join("\n")}\n` +
        "Widen berrys-platform:simulation.tuning (windows, percents, services.<name> bounds, nodeGroups.<name> candidates). No proposal written.\n"
    );
}

/** The stack file with the changes applied, beside its diff; the stack file itself is never written. */
function writeProposal(stack: string, result: TuneResult, proposalFile: string, context: CommandContext): void {
    const text = fs.readFileSync(path.join(context.projectDir, `Pulumi.${stack}.yaml`), "utf8");
    const proposal = applyChanges(text, result.writes);
    fs.mkdirSync(path.dirname(proposalFile), { recursive: true });
    fs.writeFileSync(proposalFile, proposal);
    fs.writeFileSync(
        `${proposalFile}.diff`,
        unifiedDiff(text, proposal, `Pulumi.${stack}.yaml`, `out/${stack}/tune/Pulumi.${stack}.yaml`),
    );
    context.out(
        `\nwrote ${displayPath(proposalFile, context)} and its .diff; the stack file is unchanged. ` +
            `To take it: review the diff, copy the file over Pulumi.${stack}.yaml, run npm run simulate -- ${stack} --check and pulumi preview.\n`,
    );
}

function formatSearch(
    stack: string,
    service: string | undefined,
    result: TuneResult,
    profiles: readonly LoadProfile[],
    seconds: number,
): string {
    const lines = [
        `tune ${stack}: objective ${result.objective}${service !== undefined ? `, settings of ${service} only` : ""}; ` +
            `profiles ${profiles.map((loaded) => loaded.name).join(", ")} at the stack file's load levels`,
        `search: coordinate descent, ${result.passes} pass${result.passes === 1 ? "" : "es"}, then pruning; ` +
            `${result.evaluations} of ${result.budget} simulations (berrys-platform:simulation.tuning.maxEvaluations) in ${seconds.toFixed(1)} s`,
        "dimensions and values tried:",
        ...result.dimensions.map(
            (dim) =>
                `  ${keyName(dim.path)}: ${dim.values.length === 0 ? "not reached (budget spent)" : dim.values.map((value) => JSON.stringify(value)).join(", ")}` +
                (dim.path[0] === "namespace"
                    ? " (what it holds, or what every service needs at max replicas and during a rollout at max, rounded up)"
                    : ""),
        ),
    ];
    return lines.join("\n");
}

function formatTable(result: TuneResult, stackContext: StackContext): string {
    const before = result.baseline;
    const after = result.best;
    const rows: string[][] = [["criterion", "profile", "service", "limit", "before", "after"]];
    const keyOf = (criterion: Evaluation["criteria"][number]) =>
        `${criterion.criterion} ${criterion.profile} ${criterion.ownLevels} ${criterion.service}`;
    const afterByKey = new Map(after.criteria.map((criterion) => [keyOf(criterion), criterion]));
    const mark = (criterion: { value: number; ok: boolean } | undefined) =>
        criterion === undefined ? "-" : `${criterion.value}${criterion.ok ? "" : " MISSED"}`;
    const shown = new Set<string>();
    for (const criterion of [...before.criteria, ...after.criteria]) {
        const key = keyOf(criterion);
        if (shown.has(key)) continue;
        shown.add(key);
        rows.push([
            criterion.criterion,
            criterion.profile + (criterion.ownLevels ? " (own levels)" : ""),
            criterion.service,
            String(criterion.limit),
            mark(before.criteria.find((candidate) => keyOf(candidate) === key)),
            mark(afterByKey.get(key)),
        ]);
    }
    const checks = (evaluation: Evaluation) => evaluation.misses.filter((miss) => miss.key === "check").length;
    rows.push([
        "check findings (errors, capacity warnings)",
        "preflight",
        "",
        "0",
        String(checks(before)),
        String(checks(after)),
    ]);
    rows.push([
        "replica-hours",
        "day + loads",
        "all",
        "",
        before.replicaHours.toFixed(1),
        after.replicaHours.toFixed(1),
    ]);
    rows.push(["node-hours", "day + loads", "all", "", before.nodeHours.toFixed(1), after.nodeHours.toFixed(1)]);
    rows.push([
        "monthly cost (mean nodes x price x 730 h)",
        "day + loads",
        "",
        "",
        formatUsd(before.monthlyCost),
        formatUsd(after.monthlyCost),
    ]);
    const nodeCost = (evaluation: Evaluation) => capacityReportCost(evaluation, stackContext);
    rows.push(["monthly cost at min / max nodes", "capacity", "", "", nodeCost(before), nodeCost(after)]);
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return [
        "Before / after:",
        ...rows.map(
            (row) =>
                "  " +
                row
                    .map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
                    .join("  ")
                    .trimEnd(),
        ),
    ].join("\n");
}

function capacityReportCost(evaluation: Evaluation, stackContext: StackContext): string {
    const checked = preflight(evaluation.raw, stackContext);
    if (!checked.ok) return "-";
    const cost = capacityReport(checked.config).nodes.monthlyCost;
    return `${cost.text.atMin} / ${cost.text.atMax}`;
}

/** The spike's two cures, each alone on the stack file: what it costs and the margin it leaves. */
function formatSpike(spike: SpikeComparison): string {
    const line = (name: string, option: SpikeOption) => {
        const cost =
            option.costDelta === 0
                ? "costs nothing"
                : option.costDelta > 0
                  ? `costs $${option.costDelta.toFixed(2)}/month`
                  : `saves $${(-option.costDelta).toFixed(2)}/month`;
        const worst = [...option.responses].sort((a, b) => a.margin / a.limit - b.margin / b.limit)[0];
        const margin =
            worst === undefined
                ? "no response measured"
                : `least margin ${worst.service} ${Number.isFinite(worst.value) ? `${worst.value} s` : "never"} of ${worst.limit} s (${Number.isFinite(worst.margin) ? `${worst.margin} s` : "none"} to spare)`;
        return `  ${name}: ${option.changes.map(changeText).join("; ")}\n    ${cost}; ${margin}${option.withMargin ? "" : "; NOT met with 20 % to spare"}`;
    };
    const tried = spike.headroomTried.map((size) => JSON.stringify(size)).join(", ");
    return [
        "Spike: headroom or faster scale-up (each alone on the stack file, at its load levels; margin: responseSeconds limit - value):",
        spike.headroom !== null
            ? line("headroom (the smallest meeting every spike response with 20 % to spare)", spike.headroom)
            : tried === ""
              ? "  headroom: not tried (simulation.tuning.headroom is empty, --service is given, or cluster-autoscaler is disabled)"
              : `  headroom: none of ${tried} meets every spike response with 20 % to spare`,
        spike.scaleUp !== null
            ? line("scale-up changes of the proposal", spike.scaleUp)
            : "  scale-up changes of the proposal: none",
    ].join("\n");
}

function changeText(change: Change): string {
    const text = (value: unknown) => (value === undefined ? "(unset)" : JSON.stringify(value));
    return `${keyName(change.path)}: ${text(change.from)} -> ${text(change.to)}`;
}

/** What a change does to the replica-hours, given what undoing it adds: "-1.5 replica-hours", never "-0.0". */
export function replicaHoursChange(undoneMinusBest: number): string {
    const shown = Number(undoneMinusBest.toFixed(1));
    return shown === 0
        ? "replica-hours unchanged"
        : `${shown > 0 ? "-" : "+"}${Math.abs(shown).toFixed(1)} replica-hours`;
}

function formatChanges(result: TuneResult): string {
    if (result.changes.length === 0) return "Changes: none.";
    const lines = [
        `Changes (${result.changes.length}); the guarantee is local: undo any one and a criterion fails or the ${result.objective === "cost" ? "cost" : "replica-hours"} rise:`,
    ];
    for (const undo of result.undo) {
        const cost =
            undo.costDelta === 0
                ? "costs nothing"
                : undo.costDelta > 0
                  ? `saves $${undo.costDelta.toFixed(2)}/month`
                  : `costs $${(-undo.costDelta).toFixed(2)}/month`;
        const fixes =
            undo.fails.length === 0
                ? ""
                : `; fixes ${undo.fails.map((miss) => (miss.key === "check" ? `the check finding "${miss.message.slice(0, 90)}..."` : `${miss.key.replace(/^berrys-platform:simulation\.criteria\./, "")} for ${miss.service} on ${miss.profile} (${miss.value} > ${miss.limit} when undone)`)).join(", ")}`;
        lines.push(
            `  ${changeText(undo.change)}: ${cost} (${replicaHoursChange(undo.replicaHoursDelta)})${fixes}${undo.holds ? "" : "  [guarantee does not hold]"}`,
        );
    }
    // A write at a change's path, or at a map above it the stack file lacked (addons for headroom), is that change.
    const within = (write: Change, change: Change) => write.path.every((key, i) => change.path[i] === key);
    const writes = result.writes.filter((write) => !result.changes.some((change) => within(write, change)));
    for (const write of writes) lines.push(`  ${changeText(write)} (follows the change above)`);
    return lines.join("\n");
}

if (require.main === module) {
    runAsProcess(TUNE, tuneMain);
}
