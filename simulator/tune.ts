/**
 * `npm run tune`: a search over the settings the stack owns for the cheapest configuration that
 * meets every criterion (report.ts) on every profile and passes the checks preview runs with
 * neither errors nor warnings. Pure and deterministic: the same stack file, seed and load files
 * give the same search and the same proposal (the budget is a count of evaluations, not a time).
 *
 * The load is the baseline's: every profile is played at the levels of the stack file as it is
 * (base = its minReplicas x capacityPerPod ...), so a candidate cannot pass by shrinking the test.
 * A candidate that changes those levels (min or max replicas) must also pass the profiles at its own
 * levels, which is what `simulate --check` runs on the proposal.
 *
 * The search, in a fixed order:
 *  1. coordinate descent from the stack file: each dimension in turn (the quota first, then each
 *     service's behavior and replicas, then the node groups, then cluster-autoscaler's headroom,
 *     whose cost is the nodes its placeholders keep), every value of it tried with the
 *     others held, the best kept; passes repeat until one changes nothing or the budget ends;
 *  2. pruning: a change whose undoing still meets every criterion at no higher cost is undone (the
 *     proposal changes as little as it can);
 *  3. the local guarantee, checked and reported: undoing any one remaining change makes a criterion
 *     fail or the cost rise.
 * "Better" is, in order: fewer missed criteria and check findings, a smaller excess over the missed
 * limits, a lower objective (monthly cost, or replica-hours), the other figure, fewer changes.
 */
import type { ConfigCheck, PlatformConfig } from "../config";
import { keyName } from "../config";
import { instanceTypeSpec } from "../capacity/instance-types";
import { hourlyPrice, HOURS_PER_MONTH } from "../catalog/prices";
import { capacityReport, QUOTA_RESOURCES, QuotaResource } from "../capacity/model";
import { serviceModels } from "./model";
import type { ServiceModel } from "./model";
import type { LoadProfile } from "./profiles";
import { NEAR_FRACTION } from "./margins";
import { CriterionResult, evaluateCriteria } from "./report";
import { simulate } from "./run";

export type Objective = "cost" | "replica-hours";
export const OBJECTIVES: readonly Objective[] = ["cost", "replica-hours"];

/** A path in the project's config, without the `berrys-platform:` namespace. */
export type ConfigPath = readonly (string | number)[];

/** What the preview checks say about a candidate: `problems` are its errors and warnings. */
export type CandidateCheck =
    | { readonly ok: true; readonly config: PlatformConfig; readonly problems: readonly string[] }
    | { readonly ok: false; readonly problems: readonly string[] };

export interface TuneInput {
    /** The stack's project config as the stack file holds it (keys without the namespace). */
    readonly raw: Readonly<Record<string, unknown>>;
    /** The stack file parsed (its own keys valid): gives the baseline's load and the search space. */
    readonly baseline: PlatformConfig;
    /** The checks preview runs (preflight.ts), injected: a proposal must pass them with no finding. */
    readonly check: (raw: Record<string, unknown>) => CandidateCheck;
    /** The criteria profiles (ramp, spike, oscillating, day) and the `--load` files. */
    readonly profiles: readonly LoadProfile[];
    /** Restricts the search to this service's settings (the criteria still hold for every service). */
    readonly service?: string;
    readonly objective: Objective;
    /** Called after each evaluation with the count so far and the budget. */
    readonly onProgress?: (evaluations: number, budget: number) => void;
}

/** One setting the search varies, and the values it tries. */
export interface Dimension {
    readonly path: ConfigPath;
    /** Values to try; the current one is among them or added. */
    readonly values: readonly unknown[];
}

export interface Change {
    readonly path: ConfigPath;
    readonly from: unknown;
    readonly to: unknown;
}

/** A criterion a candidate misses, or a finding of the checks. */
export interface Miss {
    /** `berrys-platform:simulation.criteria.<name>` or `check`. */
    readonly key: string;
    /** The profile it was missed on (`check` for a finding of the checks). */
    readonly profile: string;
    readonly service?: string;
    readonly value?: number;
    readonly limit?: number;
    readonly message: string;
}

export interface Evaluation {
    readonly raw: Record<string, unknown>;
    readonly misses: readonly Miss[];
    /** Σ over missed criteria of (value - limit) / limit, each at most 10; 1 per check finding. */
    readonly excess: number;
    /** Every criterion checked, with the profile it ran on (the baseline's levels unless `ownLevels`). */
    readonly criteria: readonly (CriterionResult & { readonly profile: string; readonly ownLevels: boolean })[];
    /** Over the cost profiles (the day and the --load files): pod-hours of the services and node-hours. */
    readonly replicaHours: number;
    readonly nodeHours: number;
    /** USD per month: the cost profiles' mean node count per group x its price x 730 h. */
    readonly monthlyCost: number;
    /** False when the search stopped simulating it early (it was already worse than the best). */
    readonly complete: boolean;
    /** Every profile simulated (none skipped because the checks settle it). */
    readonly full: boolean;
}

export interface UndoResult {
    readonly change: Change;
    /** Criteria that fail (or check findings that appear) when this change alone is undone. */
    readonly fails: readonly Miss[];
    /** Monthly cost with the change undone, less the proposal's. */
    readonly costDelta: number;
    readonly replicaHoursDelta: number;
    /** True when undoing it makes a criterion fail or the objective rise: the local guarantee. */
    readonly holds: boolean;
}

export interface TuneResult {
    readonly objective: Objective;
    /** The dimensions searched, each with the values it was tried with (the stack file's first). */
    readonly dimensions: readonly Dimension[];
    readonly baseline: Evaluation;
    readonly best: Evaluation;
    readonly changes: readonly Change[];
    /** Every value the proposal writes: the changes, and what follows them (a node group's desiredSize). */
    readonly writes: readonly Change[];
    /** Undoing each change alone (empty when no configuration met everything). */
    readonly undo: readonly UndoResult[];
    readonly feasible: boolean;
    readonly evaluations: number;
    readonly budget: number;
    readonly passes: number;
    /** The spike's two cures side by side (`spikeComparison`); undefined without a spike profile. */
    readonly spike?: SpikeComparison;
}

/** One way to meet the spike's responseSeconds, applied alone to the stack file. */
export interface SpikeOption {
    readonly changes: readonly Change[];
    /** Monthly cost with it, less the stack file's. */
    readonly costDelta: number;
    /** Every spike responseSeconds with it; `margin` is limit - value (negative: missed). */
    readonly responses: readonly {
        readonly service: string;
        readonly value: number;
        readonly limit: number;
        readonly margin: number;
    }[];
    /** Every response met with NEAR_FRACTION of its limit to spare. */
    readonly withMargin: boolean;
}

export interface SpikeComparison {
    /** The smallest of `simulation.tuning.headroom` that meets every spike response with margin; null when none does. */
    readonly headroom: SpikeOption | null;
    /** The headroom sizes tried, smallest first. */
    readonly headroomTried: readonly unknown[];
    /** The proposal's scale-up changes (windows and Percent policies) alone; null when it makes none. */
    readonly scaleUp: SpikeOption | null;
}

/** Where headroom sits in the stack's config. */
export const HEADROOM_PATH: ConfigPath = ["addons", "clusterAutoscaler", "headroom"];

/** The seed's test patterns: they check criteria, and cost nothing (the day and the loaded history give the cost). */
const TEST_PATTERNS = new Set(["ramp", "peak", "spike", "oscillating"]);
/** Profiles that cannot fail a criterion once the checks pass: the quota holds every service at max. */
const IMPLIED_BY_CHECKS = new Set(["ramp", "peak"]);

/** The search space of the stack, in the order the search walks it. */
export function dimensions(
    config: PlatformConfig,
    raw: Readonly<Record<string, unknown>>,
    service?: string,
): Dimension[] {
    const tuning = config.simulation.tuning;
    const dims: Dimension[] = [];
    // The quota is shared: searched with --service too (a quota warning would otherwise block every proposal).
    for (const resource of QUOTA_RESOURCES) {
        if (config.namespace.quota[resource] !== undefined)
            dims.push({ path: ["namespace", "quota", resource], values: [] });
    }
    for (const [name, settings] of Object.entries(config.services)) {
        if (service !== undefined && name !== service) continue;
        const bounds = tuning.services[name] ?? { targets: {} };
        for (const direction of ["scaleUp", "scaleDown"] as const) {
            const rules = settings.behavior?.[direction];
            const windows =
                direction === "scaleUp"
                    ? tuning.scaleUpStabilizationWindowSeconds
                    : tuning.scaleDownStabilizationWindowSeconds;
            if (rules !== undefined)
                dims.push({
                    path: ["services", name, "behavior", direction, "stabilizationWindowSeconds"],
                    values: windows,
                });
            const policies = rules?.policies ?? [];
            if (policies.length === 1 && policies[0].type === "Percent") {
                dims.push({
                    path: ["services", name, "behavior", direction, "policies", 0, "value"],
                    values: direction === "scaleUp" ? tuning.scaleUpPercent : tuning.scaleDownPercent,
                });
            }
        }
        for (const key of ["minReplicas", "maxReplicas"] as const) {
            const range = bounds[key];
            if (range !== undefined)
                dims.push({ path: ["services", name, key], values: integers(range.min, range.max) });
        }
        settings.metrics.forEach((metric, index) => {
            const target = bounds.targets[metric.name];
            if (target === undefined || metric.type === "Object") return;
            // The load model's defaults derive from the targets: a target search would change the pods, not just the HPA.
            const model = config.simulation.services[name] ?? {};
            const unpinned = (
                ["capacityPerPod", "cpuUtilizationAtCapacity", "memoryUtilizationAtCapacity"] as const
            ).filter((key) => model[key] === undefined);
            if (unpinned.length > 0) {
                throw new Error(
                    `${keyName(["simulation", "tuning", "services", name, "targets", metric.name])} searches a target, but ` +
                        `${unpinned.map((key) => keyName(["simulation", "services", name, key])).join(", ")} ${unpinned.length === 1 ? "is" : "are"} derived from the targets: ` +
                        "set them to what a pod really does, so that the search changes the HPA and not the pods",
                );
            }
            const values: number[] = [];
            for (let value = target.min; value <= target.max + 1e-9; value += target.step)
                values.push(Number(value.toFixed(6)));
            dims.push(
                metric.type === "Resource" && metric.averageUtilization !== undefined
                    ? {
                          path: ["services", name, "metrics", index, "averageUtilization"],
                          values: values.map(Math.round),
                      }
                    : { path: ["services", name, "metrics", index, "averageValue"], values: values.map(String) },
            );
        });
    }
    if (service === undefined) {
        for (const [name, group] of Object.entries(config.nodeGroups)) {
            const bounds = tuning.nodeGroups[name] ?? {};
            if (bounds.instanceTypes !== undefined) {
                dims.push({
                    path: ["nodeGroups", name, "instanceTypes"],
                    values: bounds.instanceTypes.map((type) => [type]),
                });
            }
            const minSize = bounds.minSize ?? { min: Math.max(0, group.minSize - 1), max: group.minSize };
            dims.push({ path: ["nodeGroups", name, "minSize"], values: integers(minSize.min, minSize.max) });
            if (bounds.maxSize !== undefined)
                dims.push({
                    path: ["nodeGroups", name, "maxSize"],
                    values: integers(bounds.maxSize.min, bounds.maxSize.max),
                });
        }
    }
    if (service === undefined && config.addons.clusterAutoscaler.enabled && tuning.headroom.length > 0) {
        dims.push({
            path: HEADROOM_PATH,
            values: tuning.headroom.map((size) => ({ cpu: size.cpu, memory: size.memory })),
        });
    }
    // The values the stack file holds are always among those tried (the search starts there).
    return dims.map((dim) => {
        const current = getPath(raw, dim.path);
        return dim.values.length === 0 || current === undefined || dim.values.some((value) => same(value, current))
            ? dim
            : { ...dim, values: [current, ...dim.values] };
    });
}

/**
 * The quota values worth trying for `resource` in the candidate: what it holds, and what every
 * service needs at max replicas and during a rollout at max, rounded up (cores and Gi whole).
 */
export function quotaValues(candidate: PlatformConfig, resource: QuotaResource, current: unknown): unknown[] {
    const row = capacityReport(candidate).quota.find((quota) => quota.resource === resource);
    if (row === undefined || row.hard === null) return [current];
    const text = (amount: number) =>
        row.unit === "bytes" ? `${Math.ceil(amount / 2 ** 30 - 1e-9)}Gi` : String(Math.ceil(amount - 1e-9));
    const values: unknown[] = [current];
    for (const amount of [row.atMax, row.atMaxDuringRollout]) {
        if (amount > row.hard && !values.includes(text(amount))) values.push(text(amount));
    }
    return values;
}

/** Runs the search. */
export function tune(input: TuneInput): TuneResult {
    const { baseline, objective } = input;
    const budget = baseline.simulation.tuning.maxEvaluations;
    const baseModels = serviceModels(baseline);
    const baseLevels = levels(baseModels);
    const dims = dimensions(baseline, input.raw, input.service);
    const cache = new Map<string, Evaluation>();
    let evaluations = 0;

    const prices = (config: PlatformConfig) =>
        Object.fromEntries(
            Object.entries(config.nodeGroups).map(([name, group]) => {
                const each = group.instanceTypes.map((type) => hourlyPrice(type, config.simulation.tuning.prices));
                if (each.some((price) => price === undefined)) {
                    const type = group.instanceTypes[each.findIndex((price) => price === undefined)];
                    throw new Error(
                        `no price for ${type}: set ${keyName(["simulation", "tuning", "prices", type])} (USD per hour)`,
                    );
                }
                return [name, Math.max(...(each as number[]))];
            }),
        );

    /**
     * Evaluates `raw`. With `bar` (the best so far, feasible) it stops at the first miss, and skips
     * the profiles the checks settle; `full` evaluates everything, for the report.
     */
    const evaluate = (raw: Record<string, unknown>, options: { bar?: Evaluation; full?: boolean } = {}): Evaluation => {
        const { bar, full = false } = options;
        const key = JSON.stringify(raw);
        const cached = cache.get(key);
        if (cached !== undefined && (cached.full || (!full && (cached.complete || bar !== undefined)))) return cached;
        const checked = input.check(raw);
        const checkMisses: Miss[] = checked.problems.map((message) => ({ key: "check", profile: "check", message }));
        const unsimulated = (complete: boolean): Evaluation => ({
            raw,
            misses: checkMisses,
            excess: checkMisses.length,
            criteria: [],
            replicaHours: Number.POSITIVE_INFINITY,
            nodeHours: Number.POSITIVE_INFINITY,
            monthlyCost: Number.POSITIVE_INFINITY,
            complete,
            full: complete,
        });
        // A stack the checks refuse has no config to simulate; one with findings cannot beat a feasible best.
        if (!checked.ok || (bar !== undefined && checkMisses.length > 0)) {
            const evaluation = unsimulated(!checked.ok);
            cache.set(key, evaluation);
            return evaluation;
        }
        const config = checked.config;
        const price = prices(config);
        const ownLevels = levels(serviceModels(config)) !== baseLevels;
        const runs: { profile: LoadProfile; ownLevels: boolean }[] = [
            ...input.profiles.map((profile) => ({ profile: frozen(profile, baseModels), ownLevels: false })),
            ...(ownLevels
                ? input.profiles
                      .filter((profile) => !IMPLIED_BY_CHECKS.has(profile.name))
                      .map((profile) => ({ profile, ownLevels: true }))
                : []),
        ];
        // Cheap test patterns first, then the day and the history (they give the cost), those the checks settle last.
        const order = (run: { profile: LoadProfile }) =>
            IMPLIED_BY_CHECKS.has(run.profile.name) ? 2 : TEST_PATTERNS.has(run.profile.name) ? 0 : 1;
        runs.sort((a, b) => order(a) - order(b));
        evaluations++;
        const criteria: (CriterionResult & { profile: string; ownLevels: boolean })[] = [];
        const misses: Miss[] = [...checkMisses];
        let excess = checkMisses.length;
        let replicaSeconds = 0;
        let nodeSeconds = 0;
        let costSeconds = 0;
        let dollars = 0;
        let complete = true;
        let skipped = false;
        for (const run of runs) {
            if (!full && bar !== undefined && IMPLIED_BY_CHECKS.has(run.profile.name)) {
                skipped = true;
                continue;
            }
            const result = simulate(config, run.profile);
            for (const criterion of evaluateCriteria(config, result)) {
                criteria.push({ ...criterion, profile: run.profile.name, ownLevels: run.ownLevels });
                if (!criterion.ok) {
                    misses.push({
                        key: criterion.key,
                        profile: run.profile.name + (run.ownLevels ? " (own levels)" : ""),
                        service: criterion.service,
                        value: criterion.value,
                        limit: criterion.limit,
                        message: criterion.message,
                    });
                    excess += Math.min(10, (criterion.value - criterion.limit) / Math.max(criterion.limit, 1e-9));
                }
            }
            if (!run.ownLevels && !TEST_PATTERNS.has(run.profile.name)) {
                const step = result.recordSeconds;
                for (const service of result.services)
                    replicaSeconds += service.series.pods.reduce((sum, pods) => sum + pods, 0) * step;
                for (const [group, series] of Object.entries(result.nodesByGroup)) {
                    const seconds = series.reduce((sum, count) => sum + count, 0) * step;
                    nodeSeconds += seconds;
                    dollars += (seconds / 3600) * price[group];
                }
                costSeconds += result.times.length * step;
            }
            if (!full && bar !== undefined && misses.length > 0) {
                complete = false;
                break;
            }
        }
        const evaluation: Evaluation = {
            raw,
            misses,
            excess,
            criteria,
            replicaHours: replicaSeconds / 3600,
            nodeHours: nodeSeconds / 3600,
            monthlyCost:
                costSeconds > 0 ? Math.round((dollars / (costSeconds / 3600)) * HOURS_PER_MONTH * 100) / 100 : 0,
            complete,
            full: complete && !skipped,
        };
        cache.set(key, evaluation);
        input.onProgress?.(evaluations, budget);
        return evaluation;
    };

    const changeCount = (raw: Record<string, unknown>) =>
        dims.filter((dim) => !same(getPath(raw, dim.path), getPath(input.raw, dim.path))).length;
    const primary = (evaluation: Evaluation) =>
        objective === "cost" ? evaluation.monthlyCost : evaluation.replicaHours;
    const secondary = (evaluation: Evaluation) =>
        objective === "cost" ? evaluation.replicaHours : evaluation.monthlyCost;
    /** Negative when `a` is better than `b`. */
    const compare = (a: Evaluation, b: Evaluation): number =>
        Math.sign(a.misses.length - b.misses.length) ||
        (a.misses.length > 0 ? Math.sign(round(a.excess) - round(b.excess)) : 0) ||
        Math.sign(round(primary(a)) - round(primary(b))) ||
        Math.sign(round(secondary(a)) - round(secondary(b))) ||
        Math.sign(changeCount(a.raw) - changeCount(b.raw));
    const feasible = (evaluation: Evaluation) =>
        evaluation.misses.length === 0 && evaluation.complete && Number.isFinite(evaluation.monthlyCost);

    const baselineEvaluation = evaluate(structuredClone(input.raw) as Record<string, unknown>, { full: true });
    let best = baselineEvaluation;
    /** The values each dimension was tried with (the quota's depend on the candidate). */
    const tried = new Map(dims.map((dim) => [JSON.stringify(dim.path), [] as unknown[]]));
    let passes = 0;
    for (let improved = true; improved && evaluations < budget; passes++) {
        improved = false;
        for (const dim of dims) {
            if (evaluations >= budget) break;
            const current = getPath(best.raw, dim.path);
            const values =
                dim.path[0] === "namespace"
                    ? quotaValues(parsedOrBaseline(input, best.raw), dim.path[2] as QuotaResource, current)
                    : dim.values;
            let bestHere = best;
            const seen = tried.get(JSON.stringify(dim.path))!;
            for (const value of values) if (!seen.some((other) => same(other, value))) seen.push(value);
            for (const value of values) {
                if (same(value, current) || evaluations >= budget) continue;
                const candidate = evaluate(withPath(best.raw, dim.path, value, input.raw), {
                    bar: feasible(bestHere) ? bestHere : undefined,
                });
                if (compare(candidate, bestHere) < 0 && (candidate.complete || !feasible(bestHere)))
                    bestHere = candidate;
            }
            if (bestHere !== best) {
                best = bestHere.complete ? bestHere : evaluate(bestHere.raw);
                improved = true;
            }
        }
    }

    // Pruning: undo what does not pay for itself (always run: it keeps the guarantee, whatever the budget).
    const changesOf = (raw: Record<string, unknown>): Change[] =>
        dims
            .filter((dim) => !same(getPath(raw, dim.path), getPath(input.raw, dim.path)))
            .map((dim) => ({ path: dim.path, from: getPath(input.raw, dim.path), to: getPath(raw, dim.path) }));
    if (feasible(best)) {
        for (let pruned = true; pruned; ) {
            pruned = false;
            for (const change of changesOf(best.raw)) {
                const undone = evaluate(withPath(best.raw, change.path, change.from, input.raw), { bar: best });
                if (feasible(undone) && round(primary(undone)) <= round(primary(best))) {
                    best = undone;
                    pruned = true;
                    break;
                }
            }
        }
    }
    if (!best.full) best = evaluate(best.raw, { full: true });
    const changes = changesOf(best.raw);
    const undo = feasible(best)
        ? changes.map((change): UndoResult => {
              const undone = evaluate(withPath(best.raw, change.path, change.from, input.raw), { full: true });
              const costDelta = round(undone.monthlyCost - best.monthlyCost);
              const replicaHoursDelta = round(undone.replicaHours - best.replicaHours);
              return {
                  change,
                  fails: undone.misses,
                  costDelta,
                  replicaHoursDelta,
                  holds: undone.misses.length > 0 || round(primary(undone)) > round(primary(best)),
              };
          })
        : [];
    const spike = input.profiles.some((candidate) => candidate.name === "spike")
        ? spikeComparison(input, baselineEvaluation, changes, (raw) => evaluate(raw, { full: true }))
        : undefined;
    return {
        objective,
        dimensions: dims.map((dim) => ({ ...dim, values: tried.get(JSON.stringify(dim.path))! })),
        baseline: baselineEvaluation,
        best,
        changes,
        writes: leafChanges(input.raw, best.raw),
        undo,
        feasible: feasible(best),
        evaluations,
        budget,
        passes,
        spike,
    };
}

/**
 * The spike's two cures, each alone on the stack file: the smallest headroom of
 * `simulation.tuning.headroom` that meets every spike responseSeconds with NEAR_FRACTION of its
 * limit to spare (sizes are tried smallest first, so the first that does is the cheapest), and the
 * proposal's scale-up changes. What each costs a month and the margin it leaves.
 */
function spikeComparison(
    input: TuneInput,
    baseline: Evaluation,
    changes: readonly Change[],
    evaluate: (raw: Record<string, unknown>) => Evaluation,
): SpikeComparison {
    const option = (applied: readonly Change[]): SpikeOption => {
        const raw = applied.reduce(
            (current, change) => withPath(current, change.path, change.to, input.raw),
            structuredClone(input.raw) as Record<string, unknown>,
        );
        const evaluation = evaluate(raw);
        const responses = evaluation.criteria
            .filter(
                (criterion) =>
                    criterion.profile === "spike" && !criterion.ownLevels && criterion.criterion === "responseSeconds",
            )
            .map((criterion) => ({
                service: criterion.service,
                value: criterion.value,
                limit: criterion.limit,
                margin: criterion.limit - criterion.value,
            }));
        return {
            changes: applied,
            costDelta: round(evaluation.monthlyCost - baseline.monthlyCost),
            responses,
            withMargin:
                responses.length > 0 &&
                responses.every((response) => response.margin >= NEAR_FRACTION * response.limit),
        };
    };
    const sizes =
        input.service === undefined && input.baseline.addons.clusterAutoscaler.enabled
            ? input.baseline.simulation.tuning.headroom
            : [];
    let headroom: SpikeOption | null = null;
    for (const size of sizes) {
        const candidate = option([
            {
                path: HEADROOM_PATH,
                from: getPath(input.raw, HEADROOM_PATH),
                to: { cpu: size.cpu, memory: size.memory },
            },
        ]);
        if (candidate.withMargin) {
            headroom = candidate;
            break;
        }
    }
    const scaleUp = changes.filter((change) => change.path[3] === "scaleUp");
    return { headroom, headroomTried: sizes, scaleUp: scaleUp.length === 0 ? null : option(scaleUp) };
}

/** The values that differ between `from` and `to`, leaf by leaf (lists such as instanceTypes count as one value). */
export function leafChanges(from: unknown, to: unknown, path: (string | number)[] = []): Change[] {
    const isMap = (value: unknown): value is Record<string, unknown> =>
        value !== null && typeof value === "object" && !Array.isArray(value);
    const isObjectList = (value: unknown): value is unknown[] =>
        Array.isArray(value) && value.some((item) => item !== null && typeof item === "object");
    if ((isMap(from) && isMap(to)) || (isObjectList(from) && isObjectList(to))) {
        const keys = [...new Set([...Object.keys(from as object), ...Object.keys(to as object)])];
        return keys.flatMap((key) => {
            const step = Array.isArray(to) ? Number(key) : key;
            return leafChanges((from as Record<string, unknown>)[key], (to as Record<string, unknown>)[key], [
                ...path,
                step,
            ]);
        });
    }
    return same(from, to) ? [] : [{ path, from, to }];
}

/** The candidate parsed for its capacity report, or the baseline when it does not parse. */
function parsedOrBaseline(input: TuneInput, raw: Record<string, unknown>): PlatformConfig {
    const checked = input.check(raw);
    return checked.ok ? checked.config : withConfigFallback(input, raw);
}

function withConfigFallback(input: TuneInput, raw: Record<string, unknown>): PlatformConfig {
    // The checks failed: count the quota against the candidate's services and replicas over the baseline's.
    return { ...input.baseline, services: mergeServices(input.baseline, raw) };
}

function mergeServices(baseline: PlatformConfig, raw: Record<string, unknown>): PlatformConfig["services"] {
    const services = (raw.services ?? {}) as Record<string, { minReplicas?: number; maxReplicas?: number }>;
    return Object.fromEntries(
        Object.entries(baseline.services).map(([name, service]) => [
            name,
            {
                ...service,
                minReplicas: services[name]?.minReplicas ?? service.minReplicas,
                maxReplicas: services[name]?.maxReplicas ?? service.maxReplicas,
            },
        ]),
    );
}

/** `profile` at the baseline's levels: every service's load as the stack file's settings define it. */
export function frozen(profile: LoadProfile, baseModels: readonly ServiceModel[]): LoadProfile {
    return { ...profile, load: (_model, index, t) => profile.load(baseModels[index], index, t) };
}

/** What the profiles' levels depend on, per service. */
function levels(models: readonly ServiceModel[]): string {
    return JSON.stringify(
        models.map((model) => [model.name, model.config.minReplicas, model.config.maxReplicas, model.capacityPerPod]),
    );
}

function integers(min: number, max: number): number[] {
    return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

function round(value: number): number {
    return Number.isFinite(value) ? Math.round(value * 100) / 100 : value;
}

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** The value at `path` in `root`, or undefined. */
export function getPath(root: unknown, path: ConfigPath): unknown {
    let node = root;
    for (const key of path) {
        if (node === null || typeof node !== "object") return undefined;
        node = (node as Record<string | number, unknown>)[key];
    }
    return node;
}

/**
 * A copy of `root` with `value` at `path` (maps created on the way). A node group's desiredSize
 * follows its min and max size: the `original`'s, moved inside them.
 */
export function withPath(
    root: Readonly<Record<string, unknown>>,
    path: ConfigPath,
    value: unknown,
    original: Readonly<Record<string, unknown>> = root,
): Record<string, unknown> {
    const copy = structuredClone(root) as Record<string, unknown>;
    let node = copy as Record<string | number, unknown>;
    path.slice(0, -1).forEach((key, i) => {
        if (node[key] === undefined || node[key] === null || typeof node[key] !== "object")
            node[key] = typeof path[i + 1] === "number" ? [] : {};
        node = node[key] as Record<string | number, unknown>;
    });
    node[path[path.length - 1]] = value;
    if (path[0] === "nodeGroups" && (path[2] === "minSize" || path[2] === "maxSize")) {
        const group = node as { minSize: number; maxSize: number; desiredSize: number };
        const desired = Number(getPath(original, [...path.slice(0, 2), "desiredSize"]) ?? group.desiredSize);
        group.desiredSize = Math.min(group.maxSize, Math.max(group.minSize, desired));
    }
    return copy;
}

/**
 * The `simulation.tuning` checks that need the whole config (preflight.ts composes them): its
 * services and node groups must exist, and every instance type it offers must be one the capacity
 * model and the price table (or `tuning.prices`) know.
 */
export function tuningChecks(config: PlatformConfig): ReturnType<ConfigCheck> {
    const errors: string[] = [];
    const tuning = config.simulation.tuning;
    const services = Object.keys(config.services);
    const groups = Object.keys(config.nodeGroups);
    for (const name of Object.keys(tuning.services)) {
        if (!services.includes(name))
            errors.push(
                `${keyName(["simulation", "tuning", "services", name])} must name a service of ${keyName(["services"])} (${services.join(", ")})`,
            );
    }
    for (const [name, bounds] of Object.entries(tuning.nodeGroups)) {
        if (!groups.includes(name)) {
            errors.push(
                `${keyName(["simulation", "tuning", "nodeGroups", name])} must name a node group of ${keyName(["nodeGroups"])} (${groups.join(", ")})`,
            );
        }
        (bounds.instanceTypes ?? []).forEach((type, index) => {
            const key = keyName(["simulation", "tuning", "nodeGroups", name, "instanceTypes", index]);
            if (instanceTypeSpec(type, config.guardrails.instanceTypes) === undefined) {
                errors.push(
                    `${key} (${type}) must be an instance type capacity/instance-types.ts knows\nadd it under ${keyName(["guardrails", "instanceTypes", type])}`,
                );
            } else if (hourlyPrice(type, tuning.prices) === undefined) {
                errors.push(
                    `${key} (${type}) has no price: set ${keyName(["simulation", "tuning", "prices", type])} (USD per hour)`,
                );
            }
        });
    }
    return { errors, warnings: [] };
}
tuningChecks.doc =
    "The tuner's services and node groups must exist, and every instance type it tries must be sized (capacity/instance-types.ts) and priced.";
